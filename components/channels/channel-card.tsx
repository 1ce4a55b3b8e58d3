import Link from "next/link";
import { describeChannelHealth } from "@/lib/channels/connect/health";
import type { ChannelItem } from "@/lib/channels/connect/queries";
import { Badge } from "@/components/ui/badge";
import { buttonStyles } from "@/components/ui/button";
import { channelAddress, hasCredentialForm } from "./channel-display";
import { CHANNEL_TYPE_LABELS, ChannelTypeIcon } from "./channel-type-icon";

export type ChannelCardProps = {
  slug: string;
  channel: ChannelItem;
  /** Owners and admins get the Reconnect action. */
  canManage: boolean;
};

/** One channel in the list: type, name, number and a health badge; a reason and Reconnect when it needs attention. */
export function ChannelCard({ slug, channel, canManage }: ChannelCardProps) {
  const health = describeChannelHealth(channel);
  const detailHref = `/${slug}/settings/channels/${encodeURIComponent(channel.id)}`;
  const address = channelAddress(channel);
  const reconnectHref = hasCredentialForm(channel.type)
    ? `${detailHref}?action=update`
    : channel.type === "instagram"
      ? `/api/oauth/instagram/start?workspace=${encodeURIComponent(slug)}`
      : null;
  return (
    <article className="flex flex-col gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:flex-row sm:items-start" aria-labelledby={`channel-${channel.id}-name`}>
      <div className="flex min-w-0 flex-1 gap-3">
        <ChannelTypeIcon type={channel.type} />
        <div className="min-w-0 flex-1">
          <h3 id={`channel-${channel.id}-name`} className="truncate text-sm font-semibold text-slate-900">
            <Link href={detailHref} className="hover:underline focus-visible:underline">
              {channel.name}
            </Link>
          </h3>
          <p className="text-sm text-slate-600">{CHANNEL_TYPE_LABELS[channel.type] ?? channel.type}</p>
          {address ? <p className="truncate text-sm text-slate-500">{address}</p> : null}
          {health.reason && (health.tone === "danger" || health.tone === "warning") ? (
            <p className={health.tone === "danger" ? "mt-1 text-sm text-red-700" : "mt-1 text-sm text-amber-800"}>{health.reason}</p>
          ) : null}
        </div>
      </div>
      <div className="flex flex-wrap items-center gap-2 sm:flex-col sm:items-end">
        <Badge tone={health.tone}>{health.label}</Badge>
        <div className="flex flex-wrap gap-2">
          {canManage && health.needsReconnect && reconnectHref ? (
            // Instagram reconnects through Facebook Login: a full navigation to the OAuth start route.
            reconnectHref.startsWith("/api/") ? (
              <a href={reconnectHref} className={buttonStyles({ size: "sm" })} aria-label={`Reconnect ${channel.name}`}>
                Reconnect
              </a>
            ) : (
              <Link href={reconnectHref} className={buttonStyles({ size: "sm" })} aria-label={`Reconnect ${channel.name}`}>
                Reconnect
              </Link>
            )
          ) : null}
          <Link href={detailHref} className={buttonStyles({ variant: "secondary", size: "sm" })} aria-label={`Details of ${channel.name}`}>
            Details
          </Link>
        </div>
      </div>
    </article>
  );
}
