import "server-only";
import { getPgPool } from "@/lib/db/pg";
import { audienceSchema, type Audience } from "@/lib/campaigns/definition/audience-schema";
import { contentSchema, type CampaignContent } from "@/lib/campaigns/definition/content-schema";
import { DEFAULT_PACE, type CampaignChannelType } from "@/lib/campaigns/definition/channel-rules";
import { instantToLocalTime } from "@/lib/campaigns/definition/schedule";

export const RECIPIENT_STATUSES = ["pending", "sending", "sent", "delivered", "read", "failed", "skipped"] as const;
export type RecipientStatus = (typeof RECIPIENT_STATUSES)[number];
export type RecipientCounts = Record<RecipientStatus, number> & { total: number };

export type CampaignRow = {
  id: string;
  name: string;
  status: string;
  channelId: string;
  audience: unknown;
  content: unknown;
  scheduledAt: Date | null;
  timezone: string;
  pacePerSecond: number | null;
  statusReason: string | null;
  statusCode: string | null;
  launchedAt: Date | null;
  completedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  channel: { id: string; name: string; type: CampaignChannelType; status: string };
};

export type CampaignSummary = Omit<CampaignRow, "audience" | "content"> & {
  audience: Audience;
  content: CampaignContent;
  schedule: { at: string; timezone: string } | null;
  pace: number;
  counts: RecipientCounts;
  /** Shares of the recipients a message went to (sent, delivered, read, failed): null before any. */
  rates: { delivered: number | null; read: number | null; failed: number | null };
  /** Recipients done (anything but pending/sending) over all recipients: 0..1, null before launch. */
  progress: number | null;
};

export const campaignSelect = {
  id: true, name: true, status: true, channelId: true, audience: true, content: true, scheduledAt: true, timezone: true,
  pacePerSecond: true, statusReason: true, statusCode: true, launchedAt: true, completedAt: true, createdAt: true, updatedAt: true,
  channel: { select: { id: true, name: true, type: true, status: true } },
} as const;

export function emptyCounts(): RecipientCounts {
  return { total: 0, pending: 0, sending: 0, sent: 0, delivered: 0, read: 0, failed: 0, skipped: 0 };
}

/** Recipient counts per campaign, by status, from the (campaignId, status) index: no counters to drift. */
export async function countRecipients(campaignIds: string[]): Promise<Map<string, RecipientCounts>> {
  const result = new Map(campaignIds.map((id) => [id, emptyCounts()]));
  if (campaignIds.length === 0) return result;
  const { rows } = await getPgPool().query<{ campaignId: string; status: RecipientStatus; count: number }>(
    `SELECT "campaignId", status::text AS status, count(*)::int AS count FROM "CampaignRecipient" WHERE "campaignId" = ANY($1::text[]) GROUP BY 1, 2`,
    [campaignIds],
  );
  for (const row of rows) {
    const counts = result.get(row.campaignId);
    if (!counts) continue;
    counts[row.status] = row.count;
    counts.total += row.count;
  }
  return result;
}

export function toCampaignSummary(row: CampaignRow, counts: RecipientCounts): CampaignSummary {
  const reached = counts.sent + counts.delivered + counts.read + counts.failed;
  const share = (value: number) => (reached === 0 ? null : value / reached);
  return {
    ...row,
    audience: audienceSchema.parse(row.audience),
    content: contentSchema.parse(row.content),
    schedule: row.scheduledAt ? { at: instantToLocalTime(row.scheduledAt, row.timezone), timezone: row.timezone } : null,
    pace: row.pacePerSecond ?? DEFAULT_PACE[row.channel.type],
    counts,
    rates: { delivered: share(counts.delivered + counts.read), read: share(counts.read), failed: share(counts.failed) },
    progress: counts.total === 0 ? null : (counts.total - counts.pending - counts.sending) / counts.total,
  };
}
