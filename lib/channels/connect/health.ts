// How a channel's health reads in the UI: one badge per channel, derived from its status and
// token expiry. Pure and client-safe (the API sends the same inputs; the cards and the detail
// page call this).

export type HealthTone = "success" | "warning" | "danger" | "neutral";

export type ChannelHealthInput = {
  status: string;
  statusReason?: string | null;
  tokenExpiresAt?: Date | null;
};

export type ChannelHealth = {
  label: string;
  tone: HealthTone;
  /** Whole days until the token expires (rounded up), null when it does not expire. */
  daysLeft: number | null;
  /** Why the channel needs attention, for the owner. */
  reason: string | null;
  /** The channel must be reconnected (new credentials) before it works again. */
  needsReconnect: boolean;
};

/** Owners are warned (amber) from this many days before a token expires. */
export const EXPIRY_WARNING_DAYS = 7;
const DAY_MS = 24 * 3600_000;

/** Whole days until `expiresAt`, rounded up; 0 or less once it has passed. */
export function daysUntil(expiresAt: Date, now: Date = new Date()): number {
  return Math.ceil((expiresAt.getTime() - now.getTime()) / DAY_MS);
}

export type DescribeChannelHealthOptions = ChannelHealthInput & { now?: Date };

/**
 * "Connected", "Token expires in N days" (amber within 7 days), "Token expired",
 * "Needs re-auth" (with the reason), "Pending" or "Disconnected".
 */
export function describeChannelHealth({ status, statusReason, tokenExpiresAt, now = new Date() }: DescribeChannelHealthOptions): ChannelHealth {
  const daysLeft = tokenExpiresAt ? daysUntil(tokenExpiresAt, now) : null;
  const reason = statusReason ?? null;
  if (status === "disconnected") return { label: "Disconnected", tone: "neutral", daysLeft, reason, needsReconnect: false };
  if (status === "needs_reauth") {
    return { label: "Needs re-auth", tone: "danger", daysLeft, reason: reason ?? "The credentials stopped working; reconnect the channel", needsReconnect: true };
  }
  if (status === "pending") return { label: "Pending", tone: "warning", daysLeft, reason, needsReconnect: false };
  if (daysLeft !== null && daysLeft <= 0) {
    return { label: "Token expired", tone: "danger", daysLeft, reason: reason ?? "The access token expired; reconnect the channel", needsReconnect: true };
  }
  if (daysLeft !== null) {
    const label = `Token expires in ${daysLeft} ${daysLeft === 1 ? "day" : "days"}`;
    return { label, tone: daysLeft <= EXPIRY_WARNING_DAYS ? "warning" : "success", daysLeft, reason, needsReconnect: false };
  }
  return { label: "Connected", tone: "success", daysLeft, reason, needsReconnect: false };
}
