import "server-only";
import { withPgTransaction } from "@/lib/db/pg";
import { logger } from "@/lib/logger";
import { insertJobs } from "@/lib/jobs/insert-jobs";
import { queues } from "@/lib/jobs/queues";
import { wakeWorkers } from "@/lib/jobs/wake-workers";
import { audienceSchema } from "@/lib/campaigns/definition/audience-schema";
import { contentSchema } from "@/lib/campaigns/definition/content-schema";
import { buildAudienceSql, SKIP_REASON_TEXT, type SkipReason } from "@/lib/campaigns/audience/audience-sql";
import { newNumbersMatch } from "@/lib/campaigns/audience/estimate-audience";
import { supportsPhoneAudience, type CampaignChannelType } from "@/lib/campaigns/definition/channel-rules";

export type StartCampaignPayload = { campaignId: string; scheduledAt: string };

/**
 * The campaign-start job: at the scheduled time, freezes the audience into CampaignRecipient rows
 * (eligible → pending, others → skipped with their reason), creates the contacts and
 * conversations of list numbers never seen before (WhatsApp), sets the campaign running and
 * queues its dispatcher. ONE transaction; idempotent: a job whose campaign is no longer scheduled
 * for exactly this time (edited, paused, cancelled, started already) does nothing.
 */
export async function startCampaign({ campaignId, scheduledAt }: StartCampaignPayload): Promise<{ started: boolean; recipients?: number }> {
  const result = await withPgTransaction(async (client) => {
    const { rows } = await client.query<{
      workspaceId: string; status: string; scheduledAt: Date | null; channelId: string; channelType: CampaignChannelType; channelStatus: string; channelReason: string | null;
      audience: unknown; content: unknown;
    }>(
      `SELECT c."workspaceId", c.status::text AS status, c."scheduledAt" AT TIME ZONE 'UTC' AS "scheduledAt", c."channelId", ch.type::text AS "channelType",
              ch.status::text AS "channelStatus", ch."statusReason" AS "channelReason", c.audience, c.content
         FROM "Campaign" c JOIN "Channel" ch ON ch.id = c."channelId" WHERE c.id = $1 FOR UPDATE OF c`,
      [campaignId],
    );
    const campaign = rows[0];
    if (!campaign || campaign.status !== "scheduled" || campaign.scheduledAt?.toISOString() !== new Date(scheduledAt).toISOString()) return { started: false };
    if (campaign.channelStatus !== "active" && campaign.channelStatus !== "pending") {
      await client.query(
        `UPDATE "Campaign" SET status = 'stopped', "statusCode" = 'channel_needs_reauth', "statusReason" = $2, "updatedAt" = timezone('UTC', now()) WHERE id = $1`,
        [campaignId, `The channel needs to be reconnected before this campaign can start${campaign.channelReason ? ` (${campaign.channelReason})` : ""}`],
      );
      return { started: false };
    }
    const audience = audienceSchema.parse(campaign.audience);
    const content = contentSchema.parse(campaign.content);
    const { workspaceId, channelId, channelType } = campaign;

    // Numbers of a list that are not contacts yet: WhatsApp lets a business start the conversation with a template.
    const waIds = [...new Set((audience.phones ?? []).map((phone) => phone.replace(/^\+/, "")))];
    if (waIds.length > 0 && supportsPhoneAudience(channelType) && newNumbersMatch(audience)) {
      await client.query(
        `INSERT INTO "Contact" (id, "workspaceId", "channelId", "externalId", phone, "createdAt", "updatedAt")
         SELECT gen_random_uuid()::text, $1, $2, n.id, '+' || n.id, timezone('UTC', now()), timezone('UTC', now()) FROM unnest($3::text[]) AS n(id)
         ON CONFLICT ("channelId", "externalId") DO NOTHING`,
        [workspaceId, channelId, waIds],
      );
    }

    const reasons = Object.keys(SKIP_REASON_TEXT) as SkipReason[];
    const sql = buildAudienceSql({ workspaceId, channelId, channelType, audience, content, params: [campaignId, workspaceId, reasons, reasons.map((reason) => SKIP_REASON_TEXT[reason])] });
    const inserted = await client.query(
      `INSERT INTO "CampaignRecipient" (id, "workspaceId", "campaignId", "contactId", status, "reasonCode", reason, "createdAt", "updatedAt")
       SELECT gen_random_uuid()::text, $2, $1, s.id, CASE WHEN s.reason IS NULL THEN 'pending' ELSE 'skipped' END::"CampaignRecipientStatus",
              s.reason, (SELECT t.text FROM unnest($3::text[], $4::text[]) AS t(code, text) WHERE t.code = s.reason), timezone('UTC', now()), timezone('UTC', now())
         FROM (SELECT c.id, ${sql.reason} AS reason FROM ${sql.from} WHERE ${sql.where}) s
       ON CONFLICT ("campaignId", "contactId") DO NOTHING`,
      sql.params,
    );
    // Contacts created from a list have no conversation yet: the campaign's message opens it.
    await client.query(
      `INSERT INTO "Conversation" (id, "workspaceId", "channelId", "contactId", status, "createdAt", "updatedAt")
       SELECT gen_random_uuid()::text, $2, $3, r."contactId", 'open', timezone('UTC', now()), timezone('UTC', now())
         FROM "CampaignRecipient" r WHERE r."campaignId" = $1 AND r.status = 'pending'
       ON CONFLICT ("channelId", "contactId") DO NOTHING`,
      [campaignId, workspaceId, channelId],
    );
    await client.query(
      `UPDATE "Campaign" SET status = 'running', "launchedAt" = coalesce("launchedAt", timezone('UTC', now())), "statusReason" = NULL, "statusCode" = NULL,
              "updatedAt" = timezone('UTC', now()) WHERE id = $1`,
      [campaignId],
    );
    await insertJobs({ client, queue: queues.dispatchCampaign.name, jobs: [{ data: { campaignId } }] });
    return { started: true, recipients: inserted.rowCount ?? 0 };
  });
  if (result.started) {
    logger.info({ campaignId, recipients: result.recipients }, "campaign started");
    wakeWorkers([queues.dispatchCampaign.name]);
  }
  return result;
}
