import "server-only";
import { z } from "zod";
import { prisma } from "@/lib/db/client";
import { markChannelNeedsReauth } from "@/lib/channels/lifecycle/mark-needs-reauth";
import { ProviderError } from "@/lib/channels/provider-error";
import { sendViaChannel } from "@/lib/channels/send-via-channel";
import type { OutboundMessage } from "@/lib/channels/types";
import { addTraces, applyPendingStatuses } from "@/lib/inbox/ingest/apply-event";

export const sendMessagePayload = z.object({ messageId: z.string().min(1) });

const storedOutbound = z.object({ outbound: z.custom<OutboundMessage>((value) => typeof value === "object" && value !== null && "type" in value) });

type Meta = { retryCount: number; retryLimit: number };

/**
 * Job: send one pending outbound message through its channel. Idempotent: a message that has a
 * provider id or is no longer pending is never sent again, and concurrent jobs for one message
 * send it once (compare-and-set claim below). Provider errors decide the outcome:
 * retry → throw (pg-boss backs off); reauth → channel marked "needs re-auth", message failed;
 * permanent → message failed with the provider's reason, shown in the inbox.
 */
export async function handleSendMessage(data: unknown, meta: Meta = { retryCount: 0, retryLimit: 0 }) {
  const { messageId } = sendMessagePayload.parse(data);
  const message = await prisma.message.findUnique({
    where: { id: messageId },
    select: {
      id: true, workspaceId: true, status: true, externalId: true, content: true, messageTag: true,
      idempotencyKey: true, replyToExternalId: true, updatedAt: true,
      conversation: { select: { contact: { select: { externalId: true } } } },
      channel: { select: { id: true, type: true, status: true, credentialsEncrypted: true } },
    },
  });
  if (!message || message.externalId || message.status !== "pending") return { skipped: true };
  const { outbound } = storedOutbound.parse(message.content);
  const lease = await claimSendLease(message);

  if (message.channel.status === "needs_reauth" || message.channel.status === "disconnected") {
    await markFailed(message.id, message.workspaceId, "channel_unavailable", "The channel needs to be reconnected before messages can be sent");
    return { failed: true };
  }

  try {
    const result = await sendViaChannel({
      channel: message.channel,
      to: message.conversation.contact.externalId,
      message: outbound,
      options: {
        idempotencyKey: message.idempotencyKey ?? message.id,
        messageTag: message.messageTag === "HUMAN_AGENT" ? "HUMAN_AGENT" : undefined,
        replyToExternalId: message.replyToExternalId ?? undefined,
      },
    });
    const delivered = message.channel.type === "sandbox";
    await prisma.$transaction(async (tx) => {
      // The provider id can already be there when an echo arrived first: keep that one.
      const { count } = await tx.message.updateMany({
        where: { id: message.id, externalId: null },
        data: { externalId: result.externalId, status: delivered ? "delivered" : "sent", statusAt: new Date(), sentAt: new Date(), errorCode: null, errorMessage: null },
      });
      if (count === 0) {
        await tx.message.updateMany({ where: { id: message.id, status: "pending" }, data: { status: "sent", sentAt: new Date() } });
      }
      await applyPendingStatuses(tx, message.channel.id, result.externalId);
      await addTraces(tx, message.workspaceId, message.id, null, [{ step: delivered ? "delivered" : "sent", detail: { externalId: result.externalId } }]);
    });
    return { externalId: result.externalId };
  } catch (error) {
    // Whatever happens next (a retry, a failure), this attempt no longer holds the message.
    await releaseSendLease(message.id, lease);
    if (!(error instanceof ProviderError)) throw error;
    await prisma.$transaction((tx) =>
      addTraces(tx, message.workspaceId, message.id, null, [{ step: "send_error", detail: { kind: error.kind, code: error.code, reason: error.reason, attempt: meta.retryCount + 1 } }]),
    );
    if (error.kind === "retry" && meta.retryCount < meta.retryLimit) throw error;
    if (error.kind === "reauth") await markChannelNeedsReauth({ channelId: message.channel.id, reason: error.reason, code: error.code });
    const reason = error.kind === "retry" ? `${error.reason} (gave up after ${meta.retryCount + 1} attempts)` : error.reason;
    await markFailed(message.id, message.workspaceId, error.code, reason);
    return { failed: true };
  }
}

/** How long one attempt holds a message: well past the provider timeout (15 s per request). */
const SEND_LEASE_MS = 60_000;

/**
 * Claims the message for this attempt so two jobs never call the provider for it at once (a
 * retry queued while an expired job was re-delivered, a job failed back by a shutdown while its
 * request was still in flight). The claim is Message.updatedAt moved SEND_LEASE_MS ahead, by
 * compare-and-set on the value just read; every later write (sent, failed) moves it back to now.
 * A message held by another attempt throws, so pg-boss tries again after its backoff: by then
 * the other attempt has sent it (this job then skips) or its lease has run out (it died).
 */
async function claimSendLease(message: { id: string; updatedAt: Date }): Promise<Date> {
  const now = Date.now();
  const lease = new Date(now + SEND_LEASE_MS);
  const claimed =
    message.updatedAt.getTime() <= now
      ? await prisma.message.updateMany({ where: { id: message.id, status: "pending", externalId: null, updatedAt: message.updatedAt }, data: { updatedAt: lease } })
      : { count: 0 };
  if (claimed.count === 0) throw new Error("Another attempt is sending this message right now; trying again later");
  return lease;
}

async function releaseSendLease(messageId: string, lease: Date) {
  await prisma.message.updateMany({ where: { id: messageId, updatedAt: lease }, data: { updatedAt: new Date() } });
}

async function markFailed(messageId: string, workspaceId: string, code: string, reason: string) {
  await prisma.$transaction(async (tx) => {
    await tx.message.update({ where: { id: messageId }, data: { status: "failed", errorCode: code, errorMessage: reason, statusAt: new Date() } });
    await addTraces(tx, workspaceId, messageId, null, [{ step: "failed", detail: { code, reason } }]);
  });
}
