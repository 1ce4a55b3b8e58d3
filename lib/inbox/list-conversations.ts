import "server-only";
import { z } from "zod";
import { prisma } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { conversationSummarySelect, toConversationSummary } from "./get-conversation-summary";

/** What a page cursor names: the last conversation of the previous page. */
const cursorPositionSchema = z.tuple([z.iso.datetime().nullable(), z.string().min(1).max(100)]);
type CursorPosition = { lastMessageAt: Date | null; id: string };

export const listConversationsQuerySchema = z.object({
  status: z.enum(["open", "archived", "blocked"]).default("open"),
  channelId: z.string().min(1).max(100).optional(),
  /** Opaque: `nextCursor` of the previous page. */
  cursor: z.string().min(1).max(300).transform(decodeCursor).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
});

export type ListConversationsQuery = z.infer<typeof listConversationsQuerySchema>;
export type ListConversationsOptions = { workspaceId: string; query: ListConversationsQuery };

/**
 * A page of the workspace's conversations with one status, most recent activity first
 * (`lastMessageAt` desc, never-active ones last, then `id` desc). Keyset pagination: pass
 * `nextCursor` back as `cursor` (no OFFSET, no COUNT). A conversation that gets a new message
 * while someone pages moves to the first page: later pages never repeat it.
 * A channelId of another workspace (or none) simply lists nothing.
 */
export async function listConversations({ workspaceId, query }: ListConversationsOptions) {
  const where: Prisma.ConversationWhereInput = { workspaceId, status: query.status, ...(query.channelId ? { channelId: query.channelId } : {}) };
  const take = query.limit + 1;
  const cursor = query.cursor;

  // Two ordered reads instead of one `ORDER BY lastMessageAt DESC NULLS LAST`: Postgres indexes
  // sort DESC as NULLS FIRST, so the (workspaceId, status, lastMessageAt DESC) index only serves
  // the dated rows in order; the rare never-active rows follow by id.
  const rows: Array<Prisma.ConversationGetPayload<{ select: typeof conversationSummarySelect }>> = [];
  if (!cursor || cursor.lastMessageAt) {
    const after: Prisma.ConversationWhereInput = cursor?.lastMessageAt
      ? // The redundant `lte` bound lets the planner range-scan the index.
        { lastMessageAt: { lte: cursor.lastMessageAt }, OR: [{ lastMessageAt: { lt: cursor.lastMessageAt } }, { id: { lt: cursor.id } }] }
      : { lastMessageAt: { not: null } };
    rows.push(
      ...(await prisma.conversation.findMany({
        where: { ...where, ...after },
        orderBy: [{ lastMessageAt: "desc" }, { id: "desc" }],
        take,
        select: conversationSummarySelect,
      })),
    );
  }
  if (rows.length < take) {
    rows.push(
      ...(await prisma.conversation.findMany({
        where: { ...where, lastMessageAt: null, ...(cursor && !cursor.lastMessageAt ? { id: { lt: cursor.id } } : {}) },
        orderBy: { id: "desc" },
        take: take - rows.length,
        select: conversationSummarySelect,
      })),
    );
  }

  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    conversations: page.map(toConversationSummary),
    nextCursor: rows.length > query.limit && last ? encodeCursor({ lastMessageAt: last.lastMessageAt, id: last.id }) : null,
  };
}

function encodeCursor({ lastMessageAt, id }: CursorPosition): string {
  return Buffer.from(JSON.stringify([lastMessageAt?.toISOString() ?? null, id])).toString("base64url");
}

function decodeCursor(value: string, ctx: z.RefinementCtx): CursorPosition {
  let decoded: unknown = null;
  try {
    decoded = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
  } catch {
    // Not base64url JSON: reported below like any other malformed cursor.
  }
  const parsed = cursorPositionSchema.safeParse(decoded);
  if (!parsed.success) {
    ctx.addIssue({ code: "custom", message: "Invalid cursor: pass back a nextCursor unchanged" });
    return z.NEVER;
  }
  const [lastMessageAt, id] = parsed.data;
  return { lastMessageAt: lastMessageAt ? new Date(lastMessageAt) : null, id };
}
