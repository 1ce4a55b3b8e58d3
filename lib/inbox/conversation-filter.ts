import "server-only";
import { z } from "zod";
import { Prisma } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/http/errors";

// One list filter, shared by the list (GET /api/conversations), the delta (GET /api/inbox/changes)
// and the counts: a conversation the list shows is exactly one the delta keeps up to date.

export const conversationStatusSchema = z.enum(["open", "archived", "blocked"]);

/** The filter as query-string parameters. `status` defaults to open, as the inbox's first tab. */
export const conversationFilterQuerySchema = z.object({
  status: conversationStatusSchema.default("open"),
  channelId: z.string().min(1).max(100).optional(),
  /** "me", "unassigned" or a user id. */
  assignee: z.string().min(1).max(100).optional(),
  /** "true" = only conversations with unread messages; "false" or absent = no unread filter. */
  unread: z
    .enum(["true", "false"], { error: "must be true or false" })
    .transform((value) => value === "true")
    .optional(),
});

export type ConversationFilterQuery = z.infer<typeof conversationFilterQuerySchema>;

/** A filter with "me" and "unassigned" resolved: assigneeId null = unassigned, undefined = anyone. */
export type ConversationFilter = {
  status: z.infer<typeof conversationStatusSchema>;
  channelId?: string;
  assigneeId?: string | null;
  unread: boolean;
};

export type ResolveConversationFilterOptions = {
  query: ConversationFilterQuery;
  /** The signed-in user; null for API keys, which have no "me". */
  userId: string | null;
};

/** Resolves `assignee=me|unassigned|<userId>`. Throws unprocessable for "me" without a user. */
export function resolveConversationFilter({ query, userId }: ResolveConversationFilterOptions): ConversationFilter {
  let assigneeId: string | null | undefined;
  if (query.assignee === "me") {
    if (!userId) throw new AppError({ code: "unprocessable", message: "assignee=me needs a signed-in user; pass a user id with an API key", field: "assignee" });
    assigneeId = userId;
  } else if (query.assignee === "unassigned") {
    assigneeId = null;
  } else {
    assigneeId = query.assignee;
  }
  return { status: query.status, channelId: query.channelId, assigneeId, unread: query.unread ?? false };
}

/**
 * The filter as a SQL condition on `"Conversation" c`. Written so the planner can use the
 * migration's indexes: equality on status / channelId / assigneeId, and the literal
 * `"unreadCount" > 0` that the partial unread index is defined with.
 */
export function conversationFilterSql(filter: ConversationFilter): Prisma.Sql {
  return Prisma.join([...stableConditions(filter), ...movableConditions(filter)], " AND ");
}

/**
 * Conversations that may have left the filter by a change of status or assignee since `since`
 * (movedXid, checked by the caller) and no longer match. A conversation never changes channel, so
 * one of another channel cannot have been in a channel's list and is not reported. Likewise, for
 * an assignee filter, a conversation whose assignee did not change since the cursor and is not
 * the filter's cannot have been in that list (assigneeMovedXid; NULL = unknown, reported): so an
 * archived conversation reopened by a customer reaches its own agent's poll, not everyone's.
 */
export function leftFilterSql(filter: ConversationFilter, since: string): Prisma.Sql {
  const parts = [...stableConditions(filter), Prisma.sql`(${Prisma.join(movableConditions(filter), " AND ")}) IS NOT TRUE`];
  if (filter.assigneeId !== undefined) {
    const isTheirs = filter.assigneeId === null ? Prisma.sql`c."assigneeId" IS NULL` : Prisma.sql`c."assigneeId" = ${filter.assigneeId}`;
    parts.push(Prisma.sql`(${isTheirs} OR c."assigneeMovedXid" IS NULL OR c."assigneeMovedXid" >= ${since}::xid8)`);
  }
  return Prisma.join(parts, " AND ");
}

/**
 * For an unread filter: conversations of the filter's status and assignee that were read (their
 * changeXid, checked by the caller, is recent and they have no unread message left). Kept apart
 * from movedXid so that the many read/unread flips of a busy workspace do not reach every
 * agent's poll: only those inside the agent's own status/assignee scope do.
 */
export function readInFilterSql(filter: ConversationFilter): Prisma.Sql {
  return Prisma.join([...stableConditions(filter), ...movableConditions({ ...filter, unread: false }), Prisma.sql`c."unreadCount" = 0`], " AND ");
}

function stableConditions(filter: ConversationFilter): Prisma.Sql[] {
  return filter.channelId ? [Prisma.sql`c."channelId" = ${filter.channelId}`] : [];
}

function movableConditions(filter: ConversationFilter): Prisma.Sql[] {
  const parts = [Prisma.sql`c.status = ${filter.status}::"ConversationStatus"`];
  if (filter.assigneeId === null) parts.push(Prisma.sql`c."assigneeId" IS NULL`);
  else if (filter.assigneeId !== undefined) parts.push(Prisma.sql`c."assigneeId" = ${filter.assigneeId}`);
  if (filter.unread) parts.push(Prisma.sql`c."unreadCount" > 0`);
  return parts;
}

export type FilterableConversation = {
  status: string;
  unreadCount: number;
  channel: { id: string };
  assignee: { id: string } | null;
};

/** conversationFilterSql() for a row already read (the delta re-checks rows it hydrated). */
export function matchesConversationFilter(row: FilterableConversation, filter: ConversationFilter): boolean {
  if (row.status !== filter.status) return false;
  if (filter.channelId && row.channel.id !== filter.channelId) return false;
  if (filter.assigneeId !== undefined && (row.assignee?.id ?? null) !== filter.assigneeId) return false;
  return !filter.unread || row.unreadCount > 0;
}
