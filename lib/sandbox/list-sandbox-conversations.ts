import "server-only";
import { prisma } from "@/lib/db/client";

/** The Sandbox channel's conversations with their latest messages, for the simulator panel. */
export async function listSandboxConversations(workspaceId: string) {
  const conversations = await prisma.conversation.findMany({
    where: { workspaceId, channel: { type: "sandbox" } },
    orderBy: { lastMessageAt: { sort: "desc", nulls: "last" } },
    take: 50,
    select: {
      id: true,
      status: true,
      unreadCount: true,
      lastMessageAt: true,
      lastMessagePreview: true,
      contact: { select: { id: true, externalId: true, displayName: true } },
    },
  });
  return conversations;
}
