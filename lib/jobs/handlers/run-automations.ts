import "server-only";
import { z } from "zod";
import { runInboundAutomation } from "@/lib/flows/runner/run-inbound-automation";
import { logger } from "@/lib/logger";

/** One stored inbound event (lib/flows/runner/enqueue-automation-jobs.ts writes these in the ingestion transaction). */
export const automationJobPayload = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("message"),
    workspaceId: z.string().min(1),
    channelId: z.string().min(1),
    messageId: z.string().min(1),
    /** The sender's provider id (the runner's lock key), written by ingestion; jobs written before it existed have none. */
    contactExternalId: z.string().min(1).optional(),
  }),
  /** commentId: the provider's comment id (InstagramComment.externalId). */
  z.object({ kind: z.literal("comment"), workspaceId: z.string().min(1), channelId: z.string().min(1), commentId: z.string().min(1) }),
]);

export type AutomationJobPayload = z.infer<typeof automationJobPayload>;

/**
 * Job: run the workspace's automations for one inbound message or comment (lib/flows/runner).
 * Idempotent (AutomationReceipt): a retry or a replay of the event changes nothing. Database
 * errors throw (pg-boss retries with backoff); a payload that can never be valid is dropped.
 */
export async function handleRunAutomations(data: unknown) {
  const payload = automationJobPayload.safeParse(data);
  if (!payload.success) {
    logger.warn({ issues: payload.error.issues.length }, "automation job with an invalid payload dropped");
    return { skipped: "invalid_payload" };
  }
  return runInboundAutomation(payload.data);
}
