import "server-only";
import { prisma } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { attachmentUrl } from "@/lib/attachments/attachment-url";
import { messageSelect, type MessageRow } from "@/lib/inbox/message-select";
import { queueOutboundMessage } from "@/lib/messaging/queue-outbound-message";
import { buildOutboundMessage } from "./build-outbound-message";
import { loadSendContext, policyFacts } from "./send-context";
import { evaluateSendPolicy } from "./send-policy";
import type { SendMessageInput } from "./schemas";

/** Who is sending: a signed-in person (agent) or an API key (api). */
export type ComposeSender = { type: "agent"; userId: string } | { type: "api"; userId: null };

export type SendComposedMessageOptions = {
  workspaceId: string;
  conversationId: string;
  sender: ComposeSender;
  input: SendMessageInput;
  /** Public origin of the app: attachment URLs the provider fetches are built on it. */
  baseUrl: string;
  now?: Date;
};

export type SendComposedMessageResult = { message: MessageRow; created: boolean };

/**
 * Sends a reply from the composer or the REST API: checks the platform rules (window, block,
 * opt-out, channel health), the channel's limits, the template and its variables, then stores
 * the pending message, its ComplianceRecord and the send job in one transaction.
 *
 * Idempotent by `input.idempotencyKey`: a repeated request returns the first message
 * (`created: false`) — even if the window closed since — and sends nothing again. Throws
 * AppError 404 (conversation not in this workspace), 409 (key already used in another
 * conversation) or 422 (any refusal; nothing is stored).
 */
export async function sendComposedMessage({ workspaceId, conversationId, sender, input, baseUrl, now = new Date() }: SendComposedMessageOptions): Promise<SendComposedMessageResult> {
  const previous = await findByIdempotencyKey({ workspaceId, conversationId, idempotencyKey: input.idempotencyKey });
  if (previous) return { message: previous, created: false };

  const context = await loadSendContext({ workspaceId, conversationId });
  const decision = evaluateSendPolicy({
    ...policyFacts(context, now),
    senderType: sender.type,
    content: input.template ? "template" : "free_form",
    humanAgentTag: input.humanAgentTag,
  });
  if (!decision.allowed) throw new AppError({ code: "unprocessable", message: decision.reason });

  const [attachment, template] = await Promise.all([
    input.attachmentId
      ? prisma.attachment.findFirst({ where: { id: input.attachmentId, workspaceId }, select: { id: true, fileName: true, mimeType: true, size: true } })
      : null,
    input.template
      ? prisma.messageTemplate.findFirst({
          where: { workspaceId, channelId: context.channel.id, name: input.template.name, language: input.template.language },
          select: { name: true, language: true, status: true, components: true, externalId: true },
        })
      : null,
  ]);
  const message = buildOutboundMessage({
    channelType: context.channel.type,
    input,
    attachment: attachment ? { ...attachment, url: attachmentUrl({ baseUrl, id: attachment.id }) } : null,
    template,
  });

  const queued = await queueOutboundMessage({
    workspaceId,
    conversationId,
    message,
    senderType: sender.type,
    senderUserId: sender.userId,
    idempotencyKey: input.idempotencyKey,
    messageTag: decision.messageTag ?? undefined,
    compliance: {
      rule: decision.rule,
      insideWindow: decision.insideWindow,
      lastInboundAt: context.lastInboundAt,
      windowClosesAt: decision.windowClosesAt,
      templateName: message.type === "template" ? message.name : null,
    },
  });
  // Two identical requests raced past the first lookup: the loser returns the winner's message.
  if (queued.duplicate) assertSameConversation(queued.conversationId, conversationId);
  const row = await prisma.message.findUniqueOrThrow({ where: { id: queued.id }, select: messageSelect });
  return { message: row, created: !queued.duplicate };
}

type FindByKeyOptions = { workspaceId: string; conversationId: string; idempotencyKey: string };

async function findByIdempotencyKey({ workspaceId, conversationId, idempotencyKey }: FindByKeyOptions): Promise<MessageRow | null> {
  const row = await prisma.message.findUnique({
    where: { workspaceId_idempotencyKey: { workspaceId, idempotencyKey } },
    select: { ...messageSelect, conversationId: true },
  });
  if (!row) return null;
  assertSameConversation(row.conversationId, conversationId);
  return row;
}

function assertSameConversation(actual: string, expected: string) {
  if (actual !== expected) {
    throw new AppError({ code: "conflict", message: "This idempotencyKey was already used for a message in another conversation: use a new key per message", field: "idempotencyKey" });
  }
}
