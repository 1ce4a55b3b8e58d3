import type { InstagramChannelSummary } from "@/lib/channels/connect/instagram-accounts";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { buttonStyles } from "@/components/ui/button";

const STATUS: Record<InstagramChannelSummary["status"], { label: string; tone: BadgeTone }> = {
  active: { label: "Active", tone: "success" },
  pending: { label: "Pending", tone: "warning" },
  needs_reauth: { label: "Needs reconnecting", tone: "danger" },
  disconnected: { label: "Disconnected", tone: "neutral" },
};

export type InstagramAccountListProps = {
  channels: InstagramChannelSummary[];
  /** The Connect route; Reconnect buttons point there too (owners and admins only). */
  reconnectHref?: string;
};

/** The workspace's Instagram accounts with their Page and health. */
export function InstagramAccountList({ channels, reconnectHref }: InstagramAccountListProps) {
  if (channels.length === 0) return <p className="text-sm text-slate-500">No Instagram account is connected yet.</p>;
  return (
    <ul className="-mx-5 divide-y divide-slate-100" aria-label="Instagram accounts">
      {channels.map((channel) => {
        const status = STATUS[channel.status];
        const label = channel.username ? `@${channel.username}` : channel.name;
        return (
          <li key={channel.channelId} className="flex flex-wrap items-center gap-x-4 gap-y-2 px-5 py-3 text-sm">
            <InstagramAvatar label={label} pictureUrl={channel.pictureUrl} />
            <div className="min-w-0 flex-1">
              <p className="truncate font-medium text-slate-900">{label}</p>
              <p className="text-slate-500">
                {channel.pageName ? `Facebook Page “${channel.pageName}”` : "Facebook Page unknown"}
                {channel.igAccountId ? ` · ${channel.igAccountId}` : ""}
              </p>
              {channel.statusReason && channel.status !== "active" ? <p className="mt-1 text-slate-600">{channel.statusReason}</p> : null}
            </div>
            <Badge tone={status.tone}>{status.label}</Badge>
            {reconnectHref && channel.status !== "active" ? (
              <a href={reconnectHref} className={buttonStyles({ variant: "secondary", size: "sm" })}>
                Reconnect
              </a>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}

export type InstagramAvatarProps = { label: string; pictureUrl?: string | null };

/** The account picture, or its first letter on a tile (pictures come from Meta's CDN). */
export function InstagramAvatar({ label, pictureUrl }: InstagramAvatarProps) {
  if (pictureUrl) {
    // eslint-disable-next-line @next/next/no-img-element -- remote CDN image with expiring URLs; next/image would need remotePatterns for Meta's hosts
    return <img src={pictureUrl} alt="" className="size-10 shrink-0 rounded-full bg-slate-100 object-cover" referrerPolicy="no-referrer" />;
  }
  return (
    <span aria-hidden="true" className="flex size-10 shrink-0 items-center justify-center rounded-full bg-fuchsia-50 text-sm font-semibold text-fuchsia-700 uppercase">
      {label.replace(/^@/, "").slice(0, 1) || "?"}
    </span>
  );
}
