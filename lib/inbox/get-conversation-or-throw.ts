import "server-only";
import { prisma } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";

export type GetConversationOrThrowOptions = { workspaceId: string; id: string };

/**
 * The conversation's ids and status, scoped by workspace. Throws not_found (404) for another
 * workspace's conversation or none: callers never learn whether the id exists elsewhere.
 */
export async function getConversationOrThrow({ workspaceId, id }: GetConversationOrThrowOptions) {
  const conversation = await prisma.conversation.findFirst({
    where: { id, workspaceId },
    select: { id: true, channelId: true, contactId: true, status: true },
  });
  if (!conversation) throw new AppError({ code: "not_found", message: "Conversation not found" });
  return conversation;
}
