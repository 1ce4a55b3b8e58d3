import "server-only";
import { z } from "zod";
import { prisma } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { getConversationOrThrow } from "./get-conversation-or-throw";
import { messageSelect } from "./message-select";
import { getSyncCursor } from "./sync-cursor";

export const listMessagesQuerySchema = z.object({
  /** Messages older than this message id (the `nextBefore` of the previous page). */
  before: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export type ListMessagesOptions = { workspaceId: string; conversationId: string; query: z.infer<typeof listMessagesQuerySchema> };

/**
 * A page of a conversation's messages, newest page first, each page returned oldest → newest.
 * Keyset on (createdAt, id): messages stored in the same millisecond are ordered by id, so a
 * page boundary between them never skips or repeats one. `syncCursor` is taken before reading:
 * GET /api/inbox/changes?conversationId=… with it returns every later change to this thread.
 * Throws not_found for another workspace's conversation, bad_request for an unknown `before`.
 */
export async function listMessages({ workspaceId, conversationId, query }: ListMessagesOptions) {
  await getConversationOrThrow({ workspaceId, id: conversationId });
  const syncCursor = await getSyncCursor();
  let before: { createdAt: Date; id: string } | undefined;
  if (query.before) {
    const cursor = await prisma.message.findFirst({ where: { id: query.before, conversationId }, select: { id: true, createdAt: true } });
    if (!cursor) throw new AppError({ code: "bad_request", message: "Unknown cursor: pass back a nextBefore unchanged", field: "before" });
    before = cursor;
  }
  const rows = await prisma.message.findMany({
    where: {
      conversationId,
      ...(before
        ? // The redundant `lte` bound lets the planner range-scan the (conversationId, createdAt) index.
          { createdAt: { lte: before.createdAt }, OR: [{ createdAt: { lt: before.createdAt } }, { id: { lt: before.id } }] }
        : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: query.limit + 1,
    select: messageSelect,
  });
  const hasMore = rows.length > query.limit;
  const page = rows.slice(0, query.limit).reverse();
  return { messages: page, nextBefore: hasMore ? (page[0]?.id ?? null) : null, syncCursor };
}
