import type { getDebugOverview } from "@/lib/debug/get-debug-overview";

export type DebugOverviewProps = { overview: Awaited<ReturnType<typeof getDebugOverview>> };

/** Read-only tables for operators: channels with masked credentials, tokens, last messages. */
export function DebugOverview({ overview }: DebugOverviewProps) {
  return (
    <div className="space-y-8" data-testid="debug-overview">
      <Section title="Channels">
        <Table
          head={["Name", "Type", "Status", "External id", "Token expires", "Credentials (masked)"]}
          rows={overview.channels.map((c) => [
            c.name,
            c.type,
            c.statusReason ? `${c.status}: ${c.statusReason}` : c.status,
            c.instagramAccount ? `${c.externalId} (@${c.instagramAccount.username ?? "?"}, page ${c.instagramAccount.page.name})` : (c.externalId ?? "—"),
            c.tokenExpiresAt ? new Date(c.tokenExpiresAt).toISOString() : "never",
            c.credentials ? Object.entries(c.credentials).map(([k, v]) => `${k}: ${v}`).join(", ") : "—",
          ])}
        />
      </Section>
      <Section title="Facebook logins and Pages">
        <Table
          head={["Meta user", "Token (masked)", "Expires", "Scopes"]}
          rows={overview.userTokens.map((t) => [t.name ?? t.metaUserId, t.token, t.expiresAt ? new Date(t.expiresAt).toISOString() : "never", t.scopes.join(", ")])}
        />
        <Table head={["Page", "Page id", "Subscribed"]} rows={overview.pages.map((p) => [p.name, p.pageId, p.subscribedAt ? new Date(p.subscribedAt).toISOString() : "no"])} />
      </Section>
      <Section title="Last messages">
        <Table
          head={["Time", "Channel", "Direction", "Type", "Status", "Provider id"]}
          rows={overview.messages.map((m) => [new Date(m.createdAt).toISOString(), m.channel.name, m.direction, m.contentType, m.errorCode ? `${m.status} (${m.errorCode})` : m.status, m.externalId ?? "—"])}
        />
      </Section>
      <Section title="Last webhook deliveries">
        <Table
          head={["Received", "Provider", "Status", "Error"]}
          rows={overview.webhookEvents.map((e) => [new Date(e.receivedAt).toISOString(), e.provider, e.status, e.lastError ?? ""])}
        />
      </Section>
    </div>
  );
}

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section className="space-y-3">
      <h2 className="text-base font-semibold text-slate-900">{title}</h2>
      {children}
    </section>
  );
}

function Table({ head, rows }: { head: string[]; rows: string[][] }) {
  if (rows.length === 0) return <p className="text-sm text-slate-500">Nothing yet.</p>;
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="min-w-full text-left text-xs">
        <thead className="bg-slate-50 text-slate-600">
          <tr>{head.map((h) => <th key={h} className="px-3 py-2 font-medium">{h}</th>)}</tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((row, i) => (
            <tr key={i}>{row.map((cell, j) => <td key={j} className="max-w-xs break-words px-3 py-2 font-mono text-slate-800">{cell}</td>)}</tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
