import "server-only";
import { z } from "zod";
import type { OutboundMessage } from "@/lib/channels/types";
import { sendCommentReply } from "@/lib/flows/runner/send-comment-reply";
import { logger } from "@/lib/logger";
import type { JobMeta } from "@/lib/jobs/registry";

const outboundMessageSchema = z.custom<OutboundMessage>((value) => typeof value === "object" && value !== null && "type" in value && typeof value.type === "string");

/** A comment rule's public reply or private reply DM (CommentAutomation row). */
export const commentReplyPayload = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("public"), workspaceId: z.string().min(1), commentAutomationId: z.string().min(1), text: z.string().min(1) }),
  z.object({
    kind: z.literal("private"),
    workspaceId: z.string().min(1),
    commentAutomationId: z.string().min(1),
    message: outboundMessageSchema,
    /** Also the credit's ledger key and the stored message's key. */
    idempotencyKey: z.string().min(1),
  }),
]);

export type CommentReplyPayload = z.infer<typeof commentReplyPayload>;

/**
 * Job: post a comment rule's public reply or send its private reply (at most once per comment,
 * see lib/flows/runner/send-comment-reply.ts). Retryable provider errors throw while retries
 * remain; an invalid payload is dropped.
 */
export async function handleCommentReply(data: unknown, meta: JobMeta = { retryCount: 0, retryLimit: 0 }) {
  const payload = commentReplyPayload.safeParse(data);
  if (!payload.success) {
    logger.warn({ issues: payload.error.issues.length }, "comment reply job with an invalid payload dropped");
    return { skipped: "invalid_payload" };
  }
  return sendCommentReply({ payload: payload.data, meta });
}
