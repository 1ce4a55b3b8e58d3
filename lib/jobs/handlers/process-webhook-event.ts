import "server-only";
import { z } from "zod";
import { prisma } from "@/lib/db/client";
import { processWebhookEvents, type ProcessResult } from "@/lib/inbox/ingest/process-webhook-event";
import { enqueue } from "@/lib/jobs/enqueue";
import { queues } from "@/lib/jobs/queues";
import type { BatchJob, BatchOutcome } from "@/lib/jobs/registry";
import { needsProfileRefresh } from "@/lib/inbox/ingest/profile-cache";

export const processWebhookEventPayload = z.object({ eventId: z.string().min(1) });

/** Job: apply a stored webhook delivery. Throws (→ retry with backoff) on database errors. */
export async function handleProcessWebhookEvent(data: unknown): Promise<ProcessResult> {
  const { eventId } = processWebhookEventPayload.parse(data);
  const [outcome] = await processWebhookEvents([eventId]);
  if (outcome.error) throw outcome.error;
  await queueProfileFetches(outcome.result.profileContactIds);
  return outcome.result;
}

/**
 * The same for a worker's whole batch, applied set-based (see processWebhookEvents). A job whose
 * payload is invalid or whose delivery failed gets an error outcome and is retried on its own.
 */
export async function handleProcessWebhookEvents(jobs: BatchJob[]): Promise<BatchOutcome[]> {
  const payloads = jobs.map((job) => processWebhookEventPayload.safeParse(job.data));
  const eventIds = payloads.flatMap((payload) => (payload.success ? [payload.data.eventId] : []));
  const outcomes = await processWebhookEvents(eventIds);
  const byId = new Map(eventIds.map((id, index) => [id, outcomes[index]]));
  await queueProfileFetches(outcomes.flatMap((outcome) => outcome.result?.profileContactIds ?? []));
  return payloads.map((payload) => {
    if (!payload.success) return { error: payload.error };
    return { error: byId.get(payload.data.eventId)?.error };
  });
}

async function queueProfileFetches(contactIds: string[]) {
  if (contactIds.length === 0) return;
  const contacts = await prisma.contact.findMany({
    where: { id: { in: [...new Set(contactIds)] }, channel: { type: "instagram" } },
    select: { id: true, profileFetchedAt: true },
  });
  for (const contact of contacts) {
    if (!needsProfileRefresh(contact.profileFetchedAt)) continue;
    // One fetch per contact at a time, however many messages arrive.
    await enqueue({ queue: queues.fetchProfile.name, data: { contactId: contact.id }, singletonKey: contact.id });
  }
}
