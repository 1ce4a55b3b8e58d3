import "server-only";
import { z } from "zod";
import { prisma } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";

export const listMessagesQuerySchema = z.object({
  /** Messages created before this message id (older history). */
  before: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export type ListMessagesOptions = { workspaceId: string; conversationId: string; query: z.infer<typeof listMessagesQuerySchema> };

/** A page of a conversation's messages, newest page first, returned oldest → newest. */
export async function listMessages({ workspaceId, conversationId, query }: ListMessagesOptions) {
  const conversation = await prisma.conversation.findFirst({ where: { id: conversationId, workspaceId }, select: { id: true } });
  if (!conversation) throw new AppError({ code: "not_found", message: "Conversation not found" });
  let cursorDate: Date | undefined;
  if (query.before) {
    const cursor = await prisma.message.findFirst({ where: { id: query.before, conversationId }, select: { createdAt: true } });
    if (!cursor) throw new AppError({ code: "bad_request", message: "Unknown cursor", field: "before" });
    cursorDate = cursor.createdAt;
  }
  const rows = await prisma.message.findMany({
    where: { conversationId, ...(cursorDate ? { createdAt: { lt: cursorDate } } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: query.limit + 1,
    select: {
      id: true, direction: true, contentType: true, content: true, status: true, errorCode: true, errorMessage: true,
      senderType: true, senderUserId: true, isAutoReply: true, messageTag: true, externalId: true, createdAt: true, sentAt: true, deletedAt: true,
    },
  });
  const hasMore = rows.length > query.limit;
  const page = rows.slice(0, query.limit).reverse();
  return { messages: page, nextBefore: hasMore ? page[0]?.id ?? null : null };
}
