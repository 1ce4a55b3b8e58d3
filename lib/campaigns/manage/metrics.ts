import "server-only";
import { getPgPool } from "@/lib/db/pg";
import { getCampaign } from "./campaigns";

export type TimelinePoint = { at: string; sent: number; delivered: number; read: number; failed: number };

/**
 * GET /api/campaigns/[id]/metrics: counts, rates and progress (as on the campaign) plus a
 * timeline of sends, deliveries, reads and failures per bucket (a minute, or wider for long
 * campaigns so the chart keeps at most ~120 points), from the recipients' timestamps.
 */
export async function getCampaignMetrics(workspaceId: string, campaignId: string) {
  const campaign = await getCampaign(workspaceId, campaignId);
  const { rows: span } = await getPgPool().query<{ first: Date | null; last: Date | null }>(
    `SELECT min("sentAt") AT TIME ZONE 'UTC' AS first, greatest(max("sentAt"), max("deliveredAt"), max("readAt"), max("failedAt")) AT TIME ZONE 'UTC' AS last
       FROM "CampaignRecipient" WHERE "campaignId" = $1`,
    [campaignId],
  );
  let timeline: TimelinePoint[] = [];
  let bucketSeconds = 60;
  const { first, last } = span[0];
  if (first && last) {
    const seconds = Math.max(60, (last.getTime() - first.getTime()) / 1000);
    bucketSeconds = Math.max(60, Math.ceil(seconds / 120 / 60) * 60);
    const { rows } = await getPgPool().query<{ bucket: Date; sent: number; delivered: number; read: number; failed: number }>(
      `WITH events AS (
         SELECT "sentAt" AS at, 'sent' AS kind FROM "CampaignRecipient" WHERE "campaignId" = $1 AND "sentAt" IS NOT NULL
         UNION ALL SELECT "deliveredAt", 'delivered' FROM "CampaignRecipient" WHERE "campaignId" = $1 AND "deliveredAt" IS NOT NULL
         UNION ALL SELECT "readAt", 'read' FROM "CampaignRecipient" WHERE "campaignId" = $1 AND "readAt" IS NOT NULL
         UNION ALL SELECT "failedAt", 'failed' FROM "CampaignRecipient" WHERE "campaignId" = $1 AND "failedAt" IS NOT NULL)
       SELECT to_timestamp(floor(extract(epoch FROM at) / $2) * $2) AS bucket,
              count(*) FILTER (WHERE kind = 'sent')::int AS sent, count(*) FILTER (WHERE kind = 'delivered')::int AS delivered,
              count(*) FILTER (WHERE kind = 'read')::int AS read, count(*) FILTER (WHERE kind = 'failed')::int AS failed
         FROM events GROUP BY 1 ORDER BY 1`,
      [campaignId, bucketSeconds],
    );
    timeline = rows.map((row) => ({ at: new Date(row.bucket).toISOString(), sent: row.sent, delivered: row.delivered, read: row.read, failed: row.failed }));
  }
  return {
    campaign: { id: campaign.id, name: campaign.name, status: campaign.status, statusReason: campaign.statusReason, launchedAt: campaign.launchedAt, completedAt: campaign.completedAt },
    counts: campaign.counts,
    rates: campaign.rates,
    progress: campaign.progress,
    bucketSeconds,
    timeline,
  };
}
