import "server-only";
import { prisma } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { enqueue } from "@/lib/jobs/enqueue";
import { queues } from "@/lib/jobs/queues";

export type ReplayWebhookEventOptions = { workspaceId: string; eventId: string };

/**
 * Processes a stored delivery again. Safe for any event: processing is idempotent, so a replay
 * only adds what is missing. Typical use: a failed event after a bug fix or an outage.
 */
export async function replayWebhookEvent({ workspaceId, eventId }: ReplayWebhookEventOptions) {
  const { count } = await prisma.webhookEvent.updateMany({
    where: { id: eventId, workspaceId },
    data: { status: "pending", lastError: null },
  });
  if (count === 0) throw new AppError({ code: "not_found", message: "Webhook event not found" });
  await enqueue({ queue: queues.processWebhook.name, data: { eventId } });
  return { id: eventId, status: "pending" as const };
}
