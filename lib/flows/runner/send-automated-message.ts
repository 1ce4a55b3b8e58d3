import "server-only";
import type { OutboundMessage } from "@/lib/channels/types";
import { evaluateSendPolicy } from "@/lib/inbox/compose/send-policy";
import { queueOutboundMessage } from "@/lib/messaging/queue-outbound-message";
import { reserveCredit } from "./charge-credit";
import type { Pacer } from "./pace-sends";
import type { ContactState, ConversationState, RunContext } from "./runner-types";

export type SendAutomatedMessageOptions = {
  ctx: RunContext;
  contact: ContactState;
  conversation: ConversationState;
  pacer: Pacer;
  message: OutboundMessage;
  /** `flow:${receiptKey}:${index}` and the like: a replayed run queues nothing new. */
  idempotencyKey: string;
  /**
   * A consent confirmation: the opt-out confirmation, sent to a contact who has just opted out
   * (the one message they still get), or the opt-in confirmation after START. Free of charge, so
   * an exhausted balance never blocks honouring a STOP or a START.
   */
  isOptOutConfirmation?: boolean;
};

export type SendOutcome =
  | { queued: true; messageId: string; startAfter: Date }
  | { queued: false; code: string; reason: string };

/**
 * Queues one automated message in the run's transaction: checks the platform rules first
 * (window, block, opt-out, channel) with the same policy as the composer, as sender "flow" — so
 * never with Instagram's HUMAN_AGENT tag, and outside WhatsApp's window a free-form message is
 * refused, not sent — then reserves one credit (charged by settleRun), paces it (startAfter) and stores message,
 * ComplianceRecord and send job (queueOutboundMessage). A refusal returns the reason and
 * stores nothing.
 */
export async function sendAutomatedMessage(options: SendAutomatedMessageOptions): Promise<SendOutcome> {
  const { ctx, contact, conversation, pacer, message, idempotencyKey } = options;
  const decision = evaluateSendPolicy({
    channelType: ctx.channel.type,
    channelStatus: ctx.channel.status,
    conversationStatus: conversation.status,
    contactOptedOut: options.isOptOutConfirmation ? false : contact.optedOut,
    lastInboundAt: conversation.lastInboundAt,
    now: ctx.now,
    // Irrelevant for automated senders: the policy never grants them the tag.
    humanAgentTagEnabled: false,
    senderType: "flow",
    content: message.type === "template" ? "template" : "free_form",
    humanAgentTag: false,
  });
  if (!decision.allowed) return { queued: false, code: decision.code, reason: decision.reason };

  // The credit is taken at the end of the run's transaction (settleRun): the workspace's row lock
  // then lasts for the commit only.
  if (!options.isOptOutConfirmation && !reserveCredit(ctx, idempotencyKey)) {
    return { queued: false, code: "credits_exhausted", reason: "The workspace has no automation credits left: automated messages are paused until credits are added" };
  }

  const startAfter = pacer.next();
  const queued = await queueOutboundMessage({
    client: ctx.client,
    workspaceId: ctx.workspace.id,
    conversationId: conversation.id,
    message,
    senderType: "flow",
    isAutoReply: true,
    idempotencyKey,
    startAfter: startAfter.getTime() > ctx.now.getTime() ? startAfter : undefined,
    compliance: {
      rule: decision.rule,
      insideWindow: decision.insideWindow,
      lastInboundAt: conversation.lastInboundAt,
      windowClosesAt: decision.windowClosesAt,
      templateName: message.type === "template" ? message.name : null,
    },
  });
  if (!queued.duplicate && startAfter.getTime() > ctx.now.getTime()) {
    // Messages queued by one transaction share its clock as createdAt; the thread orders by
    // createdAt, so a paced message is dated when it is due to go out (the pacer reads these
    // times back and, fed its own output, reproduces the same schedule).
    await ctx.client.query(`UPDATE "Message" SET "createdAt" = $2::timestamptz AT TIME ZONE 'UTC' WHERE id = $1`, [queued.id, startAfter.toISOString()]);
  }
  return { queued: true, messageId: queued.id, startAfter };
}
