"use client";

import { useQuery } from "@tanstack/react-query";
import { formatDate } from "@/lib/format/format-date";
import { channelsQuery } from "@/lib/workspaces/queries";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { QueryStatus } from "./query-status";

const TYPE_LABELS: Record<string, string> = {
  instagram: "Instagram",
  whatsapp_cloud: "WhatsApp Cloud API",
  twilio_whatsapp: "Twilio WhatsApp",
  sandbox: "Sandbox",
};

const STATUS: Record<string, { label: string; tone: BadgeTone }> = {
  active: { label: "Active", tone: "success" },
  pending: { label: "Pending", tone: "warning" },
  needs_reauth: { label: "Needs re-authorization", tone: "danger" },
  disconnected: { label: "Disconnected", tone: "neutral" },
};

export type ChannelsListProps = { slug: string };

/** The workspace's channels with their type and health. */
export function ChannelsList({ slug }: ChannelsListProps) {
  const channels = useQuery({ ...channelsQuery(slug), meta: { showsErrorInline: true } });
  return (
    <Card title="Channels" description="Where your conversations come from.">
      <QueryStatus isPending={channels.isPending} error={channels.error} what="channels" onRetry={() => void channels.refetch()} />
      {channels.data?.length === 0 ? <p className="text-sm text-slate-500">No channels yet.</p> : null}
      {channels.data?.length ? (
        <ul className="-mx-5 divide-y divide-slate-100" aria-label="Channels">
          {channels.data.map((channel) => {
            const status = STATUS[channel.status] ?? { label: channel.status, tone: "neutral" as const };
            return (
              <li key={channel.id} className="flex flex-wrap items-center gap-x-4 gap-y-1 px-5 py-3 text-sm">
                <div className="min-w-0 flex-1">
                  <p className="truncate font-medium text-slate-900">{channel.name}</p>
                  <p className="text-slate-500">
                    {TYPE_LABELS[channel.type] ?? channel.type}
                    {channel.externalId ? ` · ${channel.externalId}` : ""} · added {formatDate(channel.createdAt)}
                  </p>
                </div>
                <Badge tone={status.tone}>{status.label}</Badge>
              </li>
            );
          })}
        </ul>
      ) : null}
    </Card>
  );
}
