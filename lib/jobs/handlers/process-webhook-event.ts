import "server-only";
import { z } from "zod";
import { prisma } from "@/lib/db/client";
import { processWebhookEvent } from "@/lib/inbox/ingest/process-webhook-event";
import { enqueue } from "@/lib/jobs/enqueue";
import { queues } from "@/lib/jobs/queues";
import { needsProfileRefresh } from "@/lib/inbox/ingest/profile-cache";

export const processWebhookEventPayload = z.object({ eventId: z.string().min(1) });

/** Job: apply a stored webhook delivery. Throws (→ retry with backoff) on database errors. */
export async function handleProcessWebhookEvent(data: unknown) {
  const { eventId } = processWebhookEventPayload.parse(data);
  try {
    const result = await processWebhookEvent(eventId);
    if (result.contactIds.length > 0) await queueProfileFetches(result.contactIds);
    return result;
  } catch (error) {
    await prisma.webhookEvent
      .update({ where: { id: eventId }, data: { status: "failed", lastError: error instanceof Error ? error.message.slice(0, 500) : "failed" } })
      .catch(() => undefined);
    throw error;
  }
}

async function queueProfileFetches(contactIds: string[]) {
  const contacts = await prisma.contact.findMany({
    where: { id: { in: contactIds }, channel: { type: "instagram" } },
    select: { id: true, profileFetchedAt: true },
  });
  for (const contact of contacts) {
    if (!needsProfileRefresh(contact.profileFetchedAt)) continue;
    // One fetch per contact at a time, however many messages arrive.
    await enqueue({ queue: queues.fetchProfile.name, data: { contactId: contact.id }, singletonKey: contact.id });
  }
}
