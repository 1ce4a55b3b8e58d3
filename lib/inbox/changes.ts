import "server-only";
import { z } from "zod";
import { prisma } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/http/errors";
import { conversationFilterQuerySchema, conversationFilterSql, leftFilterSql, matchesConversationFilter, readInFilterSql, resolveConversationFilter } from "./conversation-filter";
import { listConversationSummaries, type ConversationSummary } from "./get-conversation-summary";
import { messageSelect, type MessageRow } from "./message-select";
import { getSyncCursor, syncCursorSchema } from "./sync-cursor";

// The inbox's 3-second poll (GET /api/inbox/changes). Every write of a conversation or message
// stamps its transaction id (changeXid; movedXid when its status or assignee changed), so
// "what changed since the cursor" is an index range scan per table, never a list read or a count.
// `q` (search) is not part of the delta: a search result is a one-off read, refreshed by reading
// the list again; the delta keeps the plain filtered list and the open thread current.

/** Beyond this many changed rows a poll stops and asks the client to reload (409). */
export const MAX_CHANGED_ROWS = 1000;

const XID8_MAX = 2n ** 64n - 1n;

// Zod runs refinements after a failed regex too: check the digits again before BigInt().
function fitsXid8(value: string) {
  return /^\d+$/.test(value) && BigInt(value) <= XID8_MAX;
}

export const inboxChangesQuerySchema = conversationFilterQuerySchema.extend({
  /** The `syncCursor` of the list, the thread or the previous poll (or the ETag of a 304). */
  since: syncCursorSchema.refine(fitsXid8, "Invalid sync cursor: pass back a syncCursor unchanged").optional(),
  /** The open conversation: its new messages and status changes come along. */
  conversationId: z.string().min(1).max(100).optional(),
});

export type InboxChangesQuery = z.infer<typeof inboxChangesQuerySchema>;
export type GetInboxChangesOptions = {
  workspaceId: string;
  /** The caller, for `assignee=me`; null for API keys. */
  userId: string | null;
  query: InboxChangesQuery;
};

export type InboxChanges = {
  /** The cursor for the next poll, taken before anything was read. */
  syncCursor: string;
  /** Conversations matching the filter that changed since `since`. */
  conversations: ConversationSummary[];
  /** Ids of conversations that changed status or assignee (or were read, for an unread filter) and no longer match. */
  removed: string[];
  /** Messages of `conversationId` created or updated since `since`, oldest first. */
  messages: MessageRow[];
};

type ChangedRow = { id: string; kind: "changed" | "removed" | "message" | "thread" };

/**
 * What changed since `since` in the scope of a list filter (and one open thread). `isUnchanged`
 * means nothing in scope changed: the route answers 304 with the new cursor as its ETag.
 * Without `since` there is nothing to compare: only a fresh cursor comes back.
 *
 * Rows may come back in two consecutive polls (the cursor is the oldest transaction still
 * running, so a slow transaction's rows are never skipped); clients merge by id.
 * Throws not_found for a `conversationId` of another workspace, unprocessable for `assignee=me`
 * without a user, and conflict when more than MAX_CHANGED_ROWS changed: reload instead.
 */
export async function getInboxChanges({ workspaceId, userId, query }: GetInboxChangesOptions): Promise<InboxChanges & { isUnchanged: boolean }> {
  const filter = resolveConversationFilter({ query, userId });
  const syncCursor = await getSyncCursor();
  const { since, conversationId } = query;
  if (!since) return { syncCursor, conversations: [], removed: [], messages: [], isUnchanged: false };

  const cap = MAX_CHANGED_ROWS + 1;
  // One round trip, one index range scan per part: (workspaceId[, assigneeId], changeXid),
  // (workspaceId, movedXid), Message (conversationId, changeXid), and the thread's primary key.
  const thread = conversationId
    ? Prisma.sql`
      UNION ALL (SELECT m.id, 'message' FROM "Message" m
        WHERE m."conversationId" = ${conversationId} AND m."workspaceId" = ${workspaceId} AND m."changeXid" >= ${since}::xid8 LIMIT ${cap})
      UNION ALL (SELECT c.id, 'thread' FROM "Conversation" c WHERE c.id = ${conversationId} AND c."workspaceId" = ${workspaceId})`
    : Prisma.empty;
  const readInFilter = filter.unread
    ? Prisma.sql`
      UNION ALL (SELECT c.id, 'removed' FROM "Conversation" c
        WHERE c."workspaceId" = ${workspaceId} AND c."changeXid" >= ${since}::xid8 AND ${readInFilterSql(filter)} LIMIT ${cap})`
    : Prisma.empty;
  const rows = await prisma.$queryRaw<ChangedRow[]>`
    (SELECT c.id, 'changed' AS kind FROM "Conversation" c
      WHERE c."workspaceId" = ${workspaceId} AND c."changeXid" >= ${since}::xid8 AND ${conversationFilterSql(filter)} LIMIT ${cap})
    UNION ALL (SELECT c.id, 'removed' FROM "Conversation" c
      WHERE c."workspaceId" = ${workspaceId} AND c."movedXid" >= ${since}::xid8 AND ${leftFilterSql(filter)} LIMIT ${cap})
    ${readInFilter}
    ${thread}`;

  const idsOf = (kind: ChangedRow["kind"]) => rows.filter((row) => row.kind === kind).map((row) => row.id);
  if (conversationId && idsOf("thread").length === 0) throw new AppError({ code: "not_found", message: "Conversation not found" });
  const changedIds = idsOf("changed");
  const removedIds = idsOf("removed");
  const messageIds = idsOf("message");
  if (changedIds.length + removedIds.length > MAX_CHANGED_ROWS || messageIds.length > MAX_CHANGED_ROWS) {
    throw new AppError({ code: "conflict", message: "Too much changed since this cursor: reload the list and the thread, then poll with their syncCursor" });
  }
  if (changedIds.length + removedIds.length + messageIds.length === 0) {
    return { syncCursor, conversations: [], removed: [], messages: [], isUnchanged: true };
  }

  const [summaries, messages] = await Promise.all([
    listConversationSummaries({ workspaceId, ids: changedIds }),
    messageIds.length
      ? prisma.message.findMany({ where: { id: { in: messageIds }, workspaceId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: messageSelect })
      : [],
  ]);
  // A row can change again between the id scan and the read above: what no longer matches (or
  // no longer exists) is reported as removed, so one answer never contradicts its own filter.
  const conversations = summaries.filter((summary) => matchesConversationFilter(summary, filter));
  const kept = new Set(conversations.map((conversation) => conversation.id));
  const removed = [...new Set([...removedIds, ...changedIds.filter((id) => !kept.has(id))])];
  return { syncCursor, conversations, removed, messages, isUnchanged: false };
}
