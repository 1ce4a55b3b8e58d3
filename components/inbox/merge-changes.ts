import type { InfiniteData } from "@tanstack/react-query";
import type { Conversation, ConversationsPage, Message, MessagesPage } from "@/lib/inbox/queries";

// Pure merges of the delta poll (GET /api/inbox/changes) into the cached infinite queries, so
// a tick never refetches the list or the thread. Every function returns new objects (the
// QueryClient compares by reference) and leaves its input untouched. Merging the same delta
// twice gives the same result: the server may send a row twice (see lib/inbox/sync-cursor.ts).

/** Where the list stopped loading: the page after it starts past this position. */
type ListPosition = { lastMessageAt: Date | null; id: string };

/** A list page, plus the position its `nextCursor` names once its own last row has moved. */
export type ConversationsPageWithBoundary = ConversationsPage & { boundary?: ListPosition };

/**
 * The list order: most recent activity first, never-active conversations last, then id
 * descending (the server's keyset order, lib/inbox/list-conversations.ts). Negative = a first.
 */
export function compareConversations(a: ListPosition, b: ListPosition): number {
  const at = a.lastMessageAt?.getTime() ?? null;
  const bt = b.lastMessageAt?.getTime() ?? null;
  if (at !== bt) {
    if (at === null) return 1;
    if (bt === null) return -1;
    return bt - at;
  }
  return a.id === b.id ? 0 : a.id > b.id ? -1 : 1;
}

export type ConversationChanges = {
  /** Conversations that changed and match the list's filter (their latest state). */
  conversations: readonly Conversation[];
  /** Conversations that no longer match the filter. */
  removed: readonly string[];
  /**
   * false (a search): only update or drop rows already listed; the server cannot tell whether
   * a changed conversation matches the search text, so none is added.
   */
  canInsert?: boolean;
};

/**
 * Applies a delta to the loaded list pages: changed rows are updated and moved to their place
 * by last activity, new ones inserted when they sort inside the loaded range (past it, the next
 * page brings them), removed ones dropped.
 */
export function mergeConversationChanges(
  data: InfiniteData<ConversationsPageWithBoundary, unknown>,
  { conversations, removed, canInsert = true }: ConversationChanges,
): InfiniteData<ConversationsPageWithBoundary, unknown> {
  if (data.pages.length === 0 || (conversations.length === 0 && removed.length === 0)) return data;
  const changedById = new Map(conversations.map((conversation) => [conversation.id, conversation]));
  const removedIds = new Set(removed);

  if (!canInsert) {
    return {
      ...data,
      pages: data.pages.map((page) => ({
        ...page,
        conversations: page.conversations.filter((row) => !removedIds.has(row.id)).map((row) => changedById.get(row.id) ?? row),
      })),
    };
  }

  const lastPage = data.pages[data.pages.length - 1];
  const lastRow = lastPage.conversations.at(-1);
  const boundary = lastPage.nextCursor === null ? null : (lastPage.boundary ?? (lastRow ? positionOf(lastRow) : null));
  const hasMore = lastPage.nextCursor !== null;

  const pages = data.pages.map((page) => page.conversations.filter((row) => !removedIds.has(row.id) && !changedById.has(row.id)));
  const sorted = [...changedById.values()].sort(compareConversations);
  for (const conversation of sorted) {
    if (hasMore && (boundary === null || compareConversations(conversation, boundary) > 0)) continue;
    insertSorted(pages, conversation);
  }

  return {
    ...data,
    pages: data.pages.map((page, index) => {
      const next: ConversationsPageWithBoundary = { ...page, conversations: pages[index] };
      if (index === data.pages.length - 1 && boundary) next.boundary = boundary;
      return next;
    }),
  };
}

function positionOf(conversation: Conversation): ListPosition {
  return { lastMessageAt: conversation.lastMessageAt, id: conversation.id };
}

function insertSorted(pages: Conversation[][], conversation: Conversation) {
  for (const rows of pages) {
    const index = rows.findIndex((row) => compareConversations(conversation, row) < 0);
    if (index >= 0) {
      rows.splice(index, 0, conversation);
      return;
    }
  }
  // After every loaded row (and inside the range): the end of the last non-empty page.
  const target = [...pages].reverse().find((rows) => rows.length > 0) ?? pages[0];
  target.push(conversation);
}

/** Applies changed conversations to the loaded rows without moving, adding or dropping any (other lists). */
export function patchConversationRows(
  data: InfiniteData<ConversationsPageWithBoundary, unknown>,
  conversations: readonly Conversation[],
): InfiniteData<ConversationsPageWithBoundary, unknown> {
  return mergeConversationChanges(data, { conversations, removed: [], canInsert: false });
}

/** Every conversation in the loaded pages, in order, without duplicates. */
export function flattenConversations(data: InfiniteData<ConversationsPage, unknown>): Conversation[] {
  const seen = new Set<string>();
  return data.pages.flatMap((page) => page.conversations).filter((row) => !seen.has(row.id) && Boolean(seen.add(row.id)));
}

// ---------------------------------------------------------------------------------------------
// Messages: pages newest first, each page oldest → newest

const STATUS_RANK: Record<string, number> = { pending: 0, sent: 1, delivered: 2, read: 3 };

export type MergeMessagesOptions = {
  /**
   * Keep a further delivery status already shown (a send's 201 answers "pending", which a
   * faster poll may already have turned into "sent"). Off for the poll: it is authoritative.
   */
  keepFurtherStatus?: boolean;
};

/**
 * Merges messages into a thread by id, or by idempotency key (the optimistic bubble of a send
 * becomes the stored message): known ones are replaced in place, new ones inserted in time
 * order. A message older than every loaded one is left for "load earlier" to fetch.
 */
export function mergeMessages(
  data: InfiniteData<MessagesPage, unknown>,
  messages: readonly Message[],
  { keepFurtherStatus = false }: MergeMessagesOptions = {},
): InfiniteData<MessagesPage, unknown> {
  if (messages.length === 0 || data.pages.length === 0) return data;
  const pages = data.pages.map((page) => [...page.messages]);
  const hasOlder = data.pages[data.pages.length - 1].nextBefore !== null;

  for (const message of [...messages].sort(compareMessages)) {
    const found = findMessage(pages, message);
    if (found) {
      const current = pages[found.page][found.index];
      pages[found.page][found.index] = keepFurtherStatus && isFurther(current.status, message.status) ? { ...message, status: current.status, statusAt: current.statusAt } : message;
      continue;
    }
    insertMessage(pages, message, hasOlder);
  }
  return { ...data, pages: data.pages.map((page, index) => ({ ...page, messages: pages[index] })) };
}

/** Drops one message (a failed optimistic send) from the thread. */
export function removeMessage(data: InfiniteData<MessagesPage, unknown>, messageId: string): InfiniteData<MessagesPage, unknown> {
  return { ...data, pages: data.pages.map((page) => ({ ...page, messages: page.messages.filter((message) => message.id !== messageId) })) };
}

/** Oldest first; equal times by id. */
export function compareMessages(a: Message, b: Message): number {
  const diff = a.createdAt.getTime() - b.createdAt.getTime();
  if (diff !== 0) return diff;
  return a.id === b.id ? 0 : a.id < b.id ? -1 : 1;
}

function findMessage(pages: Message[][], message: Message): { page: number; index: number } | null {
  for (let page = 0; page < pages.length; page++) {
    const index = pages[page].findIndex(
      (candidate) => candidate.id === message.id || (message.idempotencyKey !== null && candidate.idempotencyKey === message.idempotencyKey),
    );
    if (index >= 0) return { page, index };
  }
  return null;
}

function insertMessage(pages: Message[][], message: Message, hasOlder: boolean) {
  // Pages run newest → oldest: the first page whose oldest message is not newer than this one.
  for (let page = 0; page < pages.length; page++) {
    const rows = pages[page];
    const isOldestLoaded = page === pages.length - 1;
    if (rows.length === 0 && !isOldestLoaded) continue;
    if (rows.length > 0 && compareMessages(message, rows[0]) < 0 && !isOldestLoaded) continue;
    if (isOldestLoaded && hasOlder && rows.length > 0 && compareMessages(message, rows[0]) < 0) return;
    const index = rows.findIndex((row) => compareMessages(message, row) < 0);
    if (index < 0) rows.push(message);
    else rows.splice(index, 0, message);
    return;
  }
}

function isFurther(current: string, next: string): boolean {
  return (STATUS_RANK[current] ?? -1) > (STATUS_RANK[next] ?? -1) && next !== "failed";
}

/** The messages in display order (oldest first). */
export function flattenMessages(data: InfiniteData<MessagesPage, unknown>): Message[] {
  return [...data.pages].reverse().flatMap((page) => page.messages);
}
