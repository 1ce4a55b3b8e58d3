import "server-only";
import { prisma } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";

/**
 * GET /api/messages/[id]/status: the delivery status of one message of the workspace (sent,
 * delivered, read, failed with the provider's code and reason), with its campaign recipient
 * when a campaign sent it. 404 for a message of another workspace.
 */
export async function getMessageStatus({ workspaceId, messageId }: { workspaceId: string; messageId: string }) {
  const message = await prisma.message.findFirst({
    where: { id: messageId, workspaceId },
    select: {
      id: true, conversationId: true, direction: true, status: true, externalId: true, statusAt: true, sentAt: true, errorCode: true, errorMessage: true,
      senderType: true, createdAt: true, campaignRecipient: { select: { id: true, campaignId: true, status: true } },
    },
  });
  if (!message) throw new AppError({ code: "not_found", message: "Message not found" });
  const { campaignRecipient, ...rest } = message;
  return { message: { ...rest, campaign: campaignRecipient ? { campaignId: campaignRecipient.campaignId, recipientId: campaignRecipient.id, recipientStatus: campaignRecipient.status } : null } };
}
