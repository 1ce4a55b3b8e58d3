import "server-only";
import { prisma } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";

export type GetMessageTraceOptions = { workspaceId: string; messageId: string };

/**
 * Everything that happened to one message, in order: the webhook delivery that brought it
 * (received), processing, automations, sends and every status — "why did nothing happen?"
 */
export async function getMessageTrace({ workspaceId, messageId }: GetMessageTraceOptions) {
  const message = await prisma.message.findFirst({
    where: { id: messageId, workspaceId },
    select: { id: true, direction: true, status: true, externalId: true, errorCode: true, errorMessage: true, createdAt: true },
  });
  if (!message) throw new AppError({ code: "not_found", message: "Message not found" });
  const steps = await prisma.messageTrace.findMany({
    where: { messageId, workspaceId },
    orderBy: { createdAt: "asc" },
    select: { id: true, step: true, detail: true, createdAt: true, webhookEvent: { select: { id: true, provider: true, receivedAt: true, status: true } } },
  });
  return { message, steps };
}
