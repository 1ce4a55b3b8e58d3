import Link from "next/link";
import type { ChannelAlert } from "@/lib/channels/list-channel-alerts";

export type ChannelAlertsBannerProps = { slug: string; alerts: ChannelAlert[]; canManage: boolean };

/** Tells owners which channels need attention; automations and sends on them are paused. */
export function ChannelAlertsBanner({ slug, alerts, canManage }: ChannelAlertsBannerProps) {
  if (alerts.length === 0) return null;
  const urgent = alerts.some((alert) => alert.kind === "needs_reauth");
  return (
    <div
      role="status"
      data-testid="channel-alerts"
      className={`border-b px-4 py-3 text-sm sm:px-6 lg:px-10 ${urgent ? "border-red-200 bg-red-50 text-red-900" : "border-amber-200 bg-amber-50 text-amber-900"}`}
    >
      <ul className="mx-auto max-w-6xl space-y-1">
        {alerts.map((alert) => (
          <li key={alert.channelId}>
            <strong>{alert.name}</strong>
            {alert.kind === "needs_reauth" ? " needs to be reconnected: " : ": "}
            {alert.message}
            {alert.kind === "needs_reauth" ? ". Sending and automations on it are paused." : "."}{" "}
            {canManage ? (
              <Link href={`/${slug}/settings/channels`} className="font-medium underline underline-offset-2">
                {alert.kind === "needs_reauth" ? "Reconnect" : "Review"}
              </Link>
            ) : (
              <span>Ask an owner or admin to reconnect it.</span>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
