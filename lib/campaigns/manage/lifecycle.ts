import "server-only";
import { withPgTransaction, type SqlClient } from "@/lib/db/pg";
import { AppError } from "@/lib/http/errors";
import { insertJobs } from "@/lib/jobs/insert-jobs";
import { getBoss } from "@/lib/jobs/boss";
import { queues } from "@/lib/jobs/queues";
import { wakeWorkers } from "@/lib/jobs/wake-workers";
import { estimateAudience } from "@/lib/campaigns/audience/estimate-audience";
import { campaignInputSchema } from "@/lib/campaigns/definition/campaign-input-schema";
import { checkCampaign } from "./check-campaign";
import { campaignNotFound, getCampaign } from "./campaigns";
import type { CampaignSummary } from "./campaign-summary";

// Campaign states (Campaign.status):
//   draft ──launch──▶ scheduled (scheduledAt; "now" is a schedule too) ──start job──▶ running
//   running ──pause──▶ paused ──resume──▶ running        scheduled ──pause──▶ draft
//   running ──(token error / messaging limit)──▶ stopped ──resume (after re-auth)──▶ running
//   running ──all recipients done──▶ completed             any but completed ──cancel──▶ cancelled
// The start is a pg-boss job with startAfter = scheduledAt, so a restart keeps the schedule; a job
// whose scheduledAt no longer matches the campaign (edited, paused, launched again) does nothing.

type Lifecycle = { workspaceId: string; id: string };

async function lockCampaign(client: SqlClient, { workspaceId, id }: Lifecycle) {
  const { rows } = await client.query<{ status: string; channelId: string; channelStatus: string; channelReason: string | null }>(
    `SELECT c.status::text AS status, c."channelId", ch.status::text AS "channelStatus", ch."statusReason" AS "channelReason"
       FROM "Campaign" c JOIN "Channel" ch ON ch.id = c."channelId" WHERE c.id = $1 AND c."workspaceId" = $2 FOR UPDATE OF c`,
    [id, workspaceId],
  );
  if (!rows[0]) throw campaignNotFound();
  return rows[0];
}

const conflict = (message: string) => new AppError({ code: "conflict", message });

function requireUsableChannel(channelStatus: string, channelReason: string | null) {
  if (channelStatus === "needs_reauth") throw conflict(`The channel needs to be reconnected before this campaign can send${channelReason ? ` (${channelReason})` : ""}`);
  if (channelStatus === "disconnected") throw conflict("The channel is disconnected: connect it again before launching");
}

/**
 * Launches a draft now, or at its schedule when it has one in the future: validated again in full
 * (channel usable, template approved and mapped, flow active, schedule not past) and refused when
 * nobody is eligible. Nothing is sent by this call; the start job freezes the audience.
 */
export async function launchCampaign({ workspaceId, id }: Lifecycle): Promise<CampaignSummary> {
  const campaign = await getCampaign(workspaceId, id);
  if (campaign.status !== "draft") throw conflict(`This campaign is ${campaign.status}: only a draft can be launched`);
  const input = campaignInputSchema.parse({
    name: campaign.name, channelId: campaign.channelId, audience: campaign.audience, content: campaign.content,
    schedule: campaign.schedule, pacePerSecond: campaign.pacePerSecond,
  });
  const checked = await checkCampaign(workspaceId, input);
  requireUsableChannel(checked.channel.status, null);
  const estimate = await estimateAudience({ workspaceId, channelId: checked.channel.id, channelType: checked.channel.type, audience: input.audience, content: input.content });
  if (estimate.eligible === 0) {
    const why = estimate.skipped.map((item) => `${item.count} ${item.label.toLowerCase()}`).join("; ");
    throw new AppError({ code: "unprocessable", field: "audience", message: `No recipient can receive this campaign${why ? `: ${why}` : ""}` });
  }
  await getBoss();
  const startAt = checked.scheduledAt && checked.scheduledAt.getTime() > Date.now() ? checked.scheduledAt : new Date();
  await withPgTransaction(async (client) => {
    const locked = await lockCampaign(client, { workspaceId, id });
    if (locked.status !== "draft") throw conflict(`This campaign is ${locked.status}: only a draft can be launched`);
    await client.query(
      `UPDATE "Campaign" SET status = 'scheduled', "scheduledAt" = $2::timestamptz AT TIME ZONE 'UTC', "statusReason" = NULL, "statusCode" = NULL, "updatedAt" = timezone('UTC', now()) WHERE id = $1`,
      [id, startAt.toISOString()],
    );
    await insertJobs({ client, queue: queues.startCampaign.name, jobs: [{ data: { campaignId: id, scheduledAt: startAt.toISOString() }, startAfter: startAt }] });
  });
  wakeWorkers([queues.startCampaign.name]);
  return getCampaign(workspaceId, id);
}

/** Pauses a running campaign (sends already handed to the send queue, about a second's worth, still go), or unschedules a scheduled one. */
export async function pauseCampaign(target: Lifecycle): Promise<CampaignSummary> {
  await withPgTransaction(async (client) => {
    const locked = await lockCampaign(client, target);
    if (locked.status === "scheduled") {
      await client.query(`UPDATE "Campaign" SET status = 'draft', "updatedAt" = timezone('UTC', now()) WHERE id = $1`, [target.id]);
      return;
    }
    if (locked.status !== "running") throw conflict(`This campaign is ${locked.status}: only a running or scheduled campaign can be paused`);
    await client.query(`UPDATE "Campaign" SET status = 'paused', "statusReason" = NULL, "statusCode" = NULL, "updatedAt" = timezone('UTC', now()) WHERE id = $1`, [target.id]);
  });
  return getCampaign(target.workspaceId, target.id);
}

/**
 * Resumes a paused campaign, or one the platform stopped once its cause is fixed (the channel was
 * reconnected; the messaging limit has room again). Recipients whose send failed only because the
 * channel needed re-auth (the provider refused the token: nothing was delivered) are sent again.
 */
export async function resumeCampaign(target: Lifecycle): Promise<CampaignSummary> {
  await getBoss();
  await withPgTransaction(async (client) => {
    const locked = await lockCampaign(client, target);
    if (locked.status !== "paused" && locked.status !== "stopped") throw conflict(`This campaign is ${locked.status}: only a paused or stopped campaign can be resumed`);
    requireUsableChannel(locked.channelStatus, locked.channelReason);
    await client.query(
      `UPDATE "CampaignRecipient" r SET status = 'pending', "messageId" = NULL, "reasonCode" = NULL, reason = NULL, "failedAt" = NULL, "updatedAt" = timezone('UTC', now())
        WHERE r."campaignId" = $1 AND r.status = 'failed' AND r."messageId" IS NOT NULL AND (
          r."reasonCode" = 'channel_unavailable'
          OR EXISTS (SELECT 1 FROM "MessageTrace" t WHERE t."messageId" = r."messageId" AND t.step = 'send_error' AND t.detail ->> 'kind' = 'reauth'))`,
      [target.id],
    );
    await client.query(`UPDATE "Campaign" SET status = 'running', "statusReason" = NULL, "statusCode" = NULL, "completedAt" = NULL, "updatedAt" = timezone('UTC', now()) WHERE id = $1`, [target.id]);
    await insertJobs({ client, queue: queues.dispatchCampaign.name, jobs: [{ data: { campaignId: target.id } }] });
  });
  wakeWorkers([queues.dispatchCampaign.name]);
  return getCampaign(target.workspaceId, target.id);
}

/** Cancels a campaign for good: recipients not sent yet are skipped ("campaign cancelled"). */
export async function cancelCampaign(target: Lifecycle): Promise<CampaignSummary> {
  await withPgTransaction(async (client) => {
    const locked = await lockCampaign(client, target);
    if (locked.status === "completed" || locked.status === "cancelled") throw conflict(`This campaign is already ${locked.status}`);
    await client.query(`UPDATE "Campaign" SET status = 'cancelled', "completedAt" = timezone('UTC', now()), "updatedAt" = timezone('UTC', now()) WHERE id = $1`, [target.id]);
    await client.query(
      `UPDATE "CampaignRecipient" SET status = 'skipped', "reasonCode" = 'campaign_cancelled', reason = 'The campaign was cancelled before this recipient was sent', "updatedAt" = timezone('UTC', now())
        WHERE "campaignId" = $1 AND status = 'pending'`,
      [target.id],
    );
  });
  return getCampaign(target.workspaceId, target.id);
}
