import { performance } from "node:perf_hooks";
import type pg from "pg";
import { seedChannel, type BenchChannel } from "./seed";

// The inbox benchmark's tenant, written with bulk SQL (INSERT … SELECT generate_series) straight
// into the app's tables after its migrations ran: one workspace with a WhatsApp Cloud channel
// (bench/lib/seed.ts), `agents` users who are members with the role agent, one contact and one
// conversation per customer, and `messages` messages spread evenly over the conversations.
// The app's triggers fire on these inserts as on any write (changeXid stamps, the deferred
// InboxCounter trigger), then VACUUM ANALYZE leaves the tables as autovacuum would.
//
// Layout (deterministic ids, so the load generator knows who owns what without asking):
// - user i = `bench-user-<i>` (i < agents), session subject of agent i;
// - contact / conversation g = `bench-contact-<g>` / `bench-conv-<g>`, WhatsApp id 15550000000+g;
// - conversation g: unassigned when g % 20 = 19 (5%), else assigned round-robin over the agents
//   (the a-th assigned conversation to agent a % agents: 38 each with the spec's numbers);
//   archived when g % 10 = 4 (10%), blocked when g % 100 = 42 (1%), else open;
//   unread (1–4) when open and g % 3 = 0;
// - messages alternate inbound (contact) / outbound (the assigned agent, status read), one
//   every 20 minutes per conversation, the last one 20 minutes plus g seconds ago.

export const CUSTOMER_BASE = 15_550_000_000;
export const userId = (i: number) => `bench-user-${i}`;
export const conversationId = (g: number) => `bench-conv-${g}`;
export const customerWaId = (g: number) => String(CUSTOMER_BASE + g);
export const customerName = (g: number) => `Customer ${g}`;

export type ConversationLayout = { status: "open" | "archived" | "blocked"; assignee: number | null };

/** What the seed made of conversation g (mirrors the SQL below). */
export function conversationLayout(g: number, agents: number): ConversationLayout {
  const status = g % 10 === 4 ? "archived" : g % 100 === 42 ? "blocked" : "open";
  const assignee = g % 20 === 19 ? null : (g - Math.floor(g / 20)) % agents;
  return { status, assignee };
}

export type InboxSeed = {
  channel: BenchChannel;
  slug: string;
  agents: number;
  conversations: number;
  messages: number;
  /** Seconds per step and in all. */
  timings: { step: string; seconds: number }[];
  seconds: number;
  /** Row counts and sizes read back after seeding. */
  check: { users: number; conversations: number; messages: number; openCounter: number | null; messageTableMB: number; databaseMB: number };
};

export type SeedInboxOptions = { pool: pg.Pool; agents: number; conversations: number; messages: number; batch?: number; log: (message: string) => void };

export async function seedInbox({ pool, agents, conversations, messages, batch = 100_000, log }: SeedInboxOptions): Promise<InboxSeed> {
  const timings: { step: string; seconds: number }[] = [];
  const started = performance.now();
  const step = async (name: string, fn: () => Promise<unknown>) => {
    const t0 = performance.now();
    await fn();
    const seconds = (performance.now() - t0) / 1000;
    timings.push({ step: name, seconds });
    log(`  seed: ${name} in ${seconds.toFixed(1)} s`);
  };
  let channel!: BenchChannel;
  await step("workspace + WhatsApp Cloud channel", async () => {
    channel = await seedChannel(pool);
  });
  const { rows } = await pool.query<{ slug: string }>(`SELECT slug FROM "Workspace" WHERE id = $1`, [channel.workspaceId]);
  const slug = rows[0].slug;
  const ws = channel.workspaceId;
  const ch = channel.channelId;

  await step(`${agents} users + memberships (agent)`, async () => {
    await pool.query(
      `INSERT INTO "User" (id, email, name, "passwordHash", "updatedAt")
       SELECT 'bench-user-' || g, 'agent' || g || '@' || $2 || '.bench.invalid', 'Agent ' || g, 'not-a-password-hash', now()
       FROM generate_series(0, $1::int - 1) g`,
      [agents, slug],
    );
    await pool.query(
      `INSERT INTO "Membership" (id, "workspaceId", "userId", role)
       SELECT 'bench-member-' || $2 || '-' || g, $2, 'bench-user-' || g, 'agent'
       FROM generate_series(0, $1::int - 1) g`,
      [agents, ws],
    );
  });

  await step(`${conversations} contacts`, () =>
    pool.query(
      `INSERT INTO "Contact" (id, "workspaceId", "channelId", "externalId", "displayName", phone, "updatedAt")
       SELECT 'bench-contact-' || g, $2, $3, ($4::bigint + g)::text, 'Customer ' || g, '+' || ($4::bigint + g)::text, now()
       FROM generate_series(0, $1::int - 1) g`,
      [conversations, ws, ch, CUSTOMER_BASE],
    ),
  );

  // Per conversation: count_c = floor(M / C) (+1 for the first M % C); message j at
  // now() - (maxPer - j) * 20 min - g s; even j inbound, odd j outbound.
  const perConversation = Math.floor(messages / conversations);
  const extra = messages % conversations;
  const maxPer = perConversation + (extra > 0 ? 1 : 0);
  // In batches: the deferred counter trigger updates the same few InboxCounter rows once per
  // conversation at commit, and within ONE transaction each update walks the row's growing chain
  // of versions (20,000 conversations in one INSERT took minutes). Production writes one
  // conversation per transaction; batches of 1,000 keep the seed close to that cost.
  const conversationBatch = 1000;
  await step(`${conversations} conversations in batches of ${conversationBatch} (stamp + deferred counter triggers fire)`, async () => {
    for (let from = 0; from < conversations; from += conversationBatch) await insertConversations(from, Math.min(conversations, from + conversationBatch) - 1);
  });
  async function insertConversations(first: number, last: number) {
    await pool.query(
      `WITH c AS (
         SELECT g,
                $5::int + (g < $6::int)::int AS n,
                CASE WHEN g % 10 = 4 THEN 'archived' WHEN g % 100 = 42 THEN 'blocked' ELSE 'open' END AS status,
                CASE WHEN g % 20 = 19 THEN NULL ELSE 'bench-user-' || ((g - g / 20) % $4::int) END AS assignee
         FROM generate_series($8::int, $1::int) g
       )
       INSERT INTO "Conversation" (id, "workspaceId", "channelId", "contactId", status, "assigneeId", "assignedAt", "unreadCount",
                                   "lastMessageAt", "lastInboundAt", "lastMessagePreview", "updatedAt")
       SELECT 'bench-conv-' || g, $2, $3, 'bench-contact-' || g, status::"ConversationStatus", assignee,
              CASE WHEN assignee IS NULL THEN NULL ELSE now() - interval '2 days' END,
              CASE WHEN status = 'open' AND g % 3 = 0 THEN 1 + g % 4 ELSE 0 END,
              CASE WHEN n > 0 THEN now() - ($7::int - (n - 1)) * interval '20 minutes' - g * interval '1 second' END,
              CASE WHEN n > 0 THEN now() - ($7::int - ((n - 1) - (n - 1) % 2)) * interval '20 minutes' - g * interval '1 second' END,
              CASE WHEN n > 0 THEN 'Seeded message ' || (n - 1) || ' in conversation ' || g END,
              now()
       FROM c`,
      [last, ws, ch, agents, perConversation, extra, maxPer, first],
    );
  }

  for (let from = 0; from < messages; from += batch) {
    const to = Math.min(messages, from + batch) - 1;
    await step(`messages ${from.toLocaleString("en")}–${to.toLocaleString("en")}`, () =>
      pool.query(
        `WITH m AS (
           SELECT g, g % $4::int AS c, g / $4::int AS j FROM generate_series($1::int, $2::int) g
         )
         INSERT INTO "Message" (id, "workspaceId", "conversationId", "channelId", direction, "contentType", content, "externalId",
                                status, "statusAt", "sentAt", "senderType", "senderUserId", "createdAt", "updatedAt")
         SELECT 'bench-msg-' || g, $3, 'bench-conv-' || c, $5,
                CASE WHEN j % 2 = 0 THEN 'inbound' ELSE 'outbound' END::"MessageDirection",
                'text',
                jsonb_build_object('type', 'text', 'text', 'Seeded message ' || j || ' in conversation ' || c || ': order ' || (g % 9973) || ' ' ||
                  (ARRAY['delivery','refund','price','size','colour','address','invoice','return'])[1 + g % 8]),
                'wamid.bench.' || g,
                CASE WHEN j % 2 = 0 THEN 'received' ELSE 'read' END::"DeliveryStatus",
                t, t,
                CASE WHEN j % 2 = 0 THEN 'contact' ELSE 'agent' END::"SenderType",
                CASE WHEN j % 2 = 1 AND c % 20 <> 19 THEN 'bench-user-' || ((c - c / 20) % $6::int) END,
                t, t
         FROM m, LATERAL (SELECT now() - ($7::int - j) * interval '20 minutes' - c * interval '1 second' AS t) ts`,
        [from, to, ws, conversations, ch, agents, maxPer],
      ),
    );
  }

  await step("VACUUM ANALYZE", async () => {
    for (const table of ["User", "Membership", "Contact", "Conversation", "Message", "InboxCounter"]) await pool.query(`VACUUM ANALYZE "${table}"`);
  });

  const counts = await pool.query<{ users: string; conversations: string; messages: string }>(
    `SELECT (SELECT count(*) FROM "Membership" WHERE "workspaceId" = $1) AS users,
            (SELECT count(*) FROM "Conversation" WHERE "workspaceId" = $1) AS conversations,
            (SELECT count(*) FROM "Message" WHERE "workspaceId" = $1) AS messages`,
    [ws],
  );
  const counter = await pool.query<{ count: number }>(`SELECT count FROM "InboxCounter" WHERE "workspaceId" = $1 AND key = 'open|*|*|*'`, [ws]);
  const sizes = await pool.query<{ message: string; database: string }>(
    `SELECT pg_total_relation_size('"Message"') AS message, pg_database_size(current_database()) AS database`,
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    channel,
    slug,
    agents,
    conversations,
    messages,
    timings,
    seconds,
    check: {
      users: Number(counts.rows[0].users),
      conversations: Number(counts.rows[0].conversations),
      messages: Number(counts.rows[0].messages),
      openCounter: counter.rows[0]?.count ?? null,
      messageTableMB: Math.round(Number(sizes.rows[0].message) / 1024 ** 2),
      databaseMB: Math.round(Number(sizes.rows[0].database) / 1024 ** 2),
    },
  };
}

/** Each agent's conversations that the seed left open, in id order (index = agent). */
export function openConversationsByAgent(agents: number, conversations: number): number[][] {
  const byAgent: number[][] = Array.from({ length: agents }, () => []);
  for (let g = 0; g < conversations; g++) {
    const layout = conversationLayout(g, agents);
    if (layout.assignee !== null && layout.status === "open") byAgent[layout.assignee].push(g);
  }
  return byAgent;
}
