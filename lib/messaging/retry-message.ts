import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { prisma } from "@/lib/db/client";
import { withPgTransaction } from "@/lib/db/pg";
import { AppError } from "@/lib/http/errors";
import { getBoss } from "@/lib/jobs/boss";
import { enqueue } from "@/lib/jobs/enqueue";
import { queues } from "@/lib/jobs/queues";
import { wakeWorkers } from "@/lib/jobs/wake-workers";
import { messageSelect, type MessageRow } from "@/lib/inbox/message-select";
import { loadSendContext, policyFacts } from "@/lib/inbox/compose/send-context";
import { evaluateSendPolicy, type PolicySenderType } from "@/lib/inbox/compose/send-policy";

/** Failures where the provider took the message and answered in a way we could not read. */
const MAYBE_DELIVERED_CODES = new Set(["unexpected_response"]);

const storedOutboundType = z.object({ outbound: z.object({ type: z.string() }) });

export type RetryMessageOptions = { workspaceId: string; messageId: string; now?: Date };

/**
 * Sends a failed outbound message again: the same row goes back to "pending" with a new send
 * job, after the platform rules are checked again for now (the window may have closed since).
 * A provider id left by an earlier attempt is cleared — the provider reported that attempt
 * failed, so the job would otherwise skip the message as already sent. Messages the provider may
 * have delivered despite the failure ("unexpected_response") are not retried: that could send
 * twice. Throws AppError 404 (not in this workspace), 409 (not a failed outbound message, or
 * retried by someone else at the same time) or 422 (the rules refuse it now).
 */
export async function retryMessage({ workspaceId, messageId, now = new Date() }: RetryMessageOptions): Promise<MessageRow> {
  const message = await prisma.message.findFirst({
    where: { id: messageId, workspaceId },
    select: { id: true, conversationId: true, direction: true, status: true, errorCode: true, content: true, messageTag: true, senderType: true },
  });
  if (!message) throw new AppError({ code: "not_found", message: "Message not found" });
  if (message.direction !== "outbound" || message.status !== "failed") {
    throw new AppError({ code: "conflict", message: `Only failed outbound messages can be retried; this one is ${message.direction === "inbound" ? "inbound" : message.status}` });
  }
  if (message.errorCode && MAYBE_DELIVERED_CODES.has(message.errorCode)) {
    throw new AppError({ code: "conflict", message: "The provider may already have delivered this message: check the conversation and send a new message if it's missing" });
  }

  const context = await loadSendContext({ workspaceId, conversationId: message.conversationId });
  const stored = storedOutboundType.safeParse(message.content);
  const decision = evaluateSendPolicy({
    ...policyFacts(context, now),
    senderType: policySenderOf(message.senderType),
    content: stored.success && stored.data.outbound.type === "template" ? "template" : "free_form",
    // A tagged message was written by a person; that stays true on retry.
    humanAgentTag: message.messageTag === "HUMAN_AGENT" ? true : undefined,
  });
  if (!decision.allowed) throw new AppError({ code: "unprocessable", message: decision.reason });

  await getBoss();
  await withPgTransaction(async (client) => {
    // Conditional on "failed": of two retries racing, one re-queues and the other gets a 409.
    const reset = await client.query(
      `UPDATE "Message" SET status = 'pending', "statusAt" = timezone('UTC', now()), "externalId" = NULL, "errorCode" = NULL, "errorMessage" = NULL,
         "messageTag" = $2, "updatedAt" = timezone('UTC', now())
       WHERE id = $1 AND status = 'failed'`,
      [message.id, decision.messageTag],
    );
    if (reset.rowCount === 0) throw new AppError({ code: "conflict", message: "This message is already being retried" });
    // The record says why the latest attempt was allowed (messages queued before records existed get one now).
    await client.query(
      `INSERT INTO "ComplianceRecord" (id, "workspaceId", "messageId", "channelType", rule, "insideWindow", "lastInboundAt", "windowClosesAt",
         "messageTag", "templateName", consent, "senderType", "senderUserId")
       SELECT $1, m."workspaceId", m.id, $3::"ChannelType", $4, $5, $6, $7, $8, m.content->>'name', 'subscribed', m."senderType", m."senderUserId"
       FROM "Message" m WHERE m.id = $2
       ON CONFLICT ("messageId") DO UPDATE SET rule = EXCLUDED.rule, "insideWindow" = EXCLUDED."insideWindow",
         "lastInboundAt" = EXCLUDED."lastInboundAt", "windowClosesAt" = EXCLUDED."windowClosesAt", "messageTag" = EXCLUDED."messageTag"`,
      [randomUUID(), message.id, context.channel.type, decision.rule, decision.insideWindow, context.lastInboundAt, decision.windowClosesAt, decision.messageTag],
    );
    await client.query(`INSERT INTO "MessageTrace" (id, "workspaceId", "messageId", step, detail) VALUES ($1, $2, $3, 'retry_queued', $4::jsonb)`, [
      randomUUID(),
      workspaceId,
      message.id,
      JSON.stringify({ rule: decision.rule, messageTag: decision.messageTag, previousError: message.errorCode }),
    ]);
    await enqueue({ queue: queues.sendMessage.name, data: { messageId: message.id }, client });
  });
  wakeWorkers([queues.sendMessage.name]);
  return prisma.message.findUniqueOrThrow({ where: { id: message.id }, select: messageSelect });
}

function policySenderOf(senderType: string): PolicySenderType {
  return senderType === "agent" || senderType === "api" || senderType === "flow" || senderType === "campaign" ? senderType : "system";
}
