import "server-only";
import { z } from "zod";
import { getPgPool } from "@/lib/db/pg";
import { insertJobs } from "@/lib/jobs/insert-jobs";
import { queues } from "@/lib/jobs/queues";
import { dispatchCampaign } from "@/lib/campaigns/dispatch/dispatch-campaign";
import { startCampaign } from "@/lib/campaigns/dispatch/start-campaign";

const startPayload = z.object({ campaignId: z.string().min(1), scheduledAt: z.string().min(1) });
const dispatchPayload = z.object({ campaignId: z.string().min(1) });

/** Job: start a scheduled campaign (lib/campaigns/dispatch/start-campaign.ts). */
export async function handleStartCampaign(data: unknown) {
  return startCampaign(startPayload.parse(data));
}

/** Job: dispatch a running campaign for one slice (lib/campaigns/dispatch/dispatch-campaign.ts). */
export async function handleDispatchCampaign(data: unknown) {
  return dispatchCampaign(dispatchPayload.parse(data).campaignId);
}

/**
 * Cron job (every minute): a running campaign whose dispatcher lease ran out has no live
 * dispatcher (its process died and its job's retries are exhausted or pending): queue one. A
 * duplicate dispatcher is harmless: it finds the lease taken and stops.
 */
export async function handleWatchCampaigns() {
  const { rows } = await getPgPool().query<{ id: string }>(
    `SELECT id FROM "Campaign" WHERE status = 'running' AND ("dispatchLeaseUntil" IS NULL OR "dispatchLeaseUntil" < timezone('UTC', now()) - interval '30 seconds')
        AND "updatedAt" < timezone('UTC', now()) - interval '1 minute' LIMIT 100`,
  );
  if (rows.length > 0) await insertJobs({ client: getPgPool(), queue: queues.dispatchCampaign.name, jobs: rows.map((row) => ({ data: { campaignId: row.id } })) });
  return { restarted: rows.length };
}
