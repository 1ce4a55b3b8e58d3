import { describe, expect, it } from "vitest";
import type { InfiniteData } from "@tanstack/react-query";
import type { Conversation, ConversationsPage, Message, MessagesPage } from "@/lib/inbox/queries";
import {
  compareConversations,
  flattenConversations,
  flattenMessages,
  mergeConversationChanges,
  mergeMessages,
  patchConversationRows,
  removeMessage,
  type ConversationsPageWithBoundary,
} from "@/components/inbox/merge-changes";

const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 12, minutes));

function conversation(id: string, minutes: number | null, overrides: Partial<Conversation> = {}): Conversation {
  return {
    id,
    status: "open",
    unreadCount: 0,
    lastMessageAt: minutes === null ? null : at(minutes),
    lastInboundAt: null,
    lastMessagePreview: `preview ${id}`,
    windowClosesAt: null,
    assignee: null,
    botPaused: false,
    botPausedReason: null,
    channel: { id: "ch", type: "sandbox", name: "Sandbox" },
    contact: { id: `contact-${id}`, displayName: id, username: null, phone: null, avatarUrl: null, tags: [], optedOut: false },
    ...overrides,
  };
}

function pages(...chunks: Array<{ rows: Conversation[]; nextCursor: string | null }>): InfiniteData<ConversationsPageWithBoundary, unknown> {
  return {
    pages: chunks.map(({ rows, nextCursor }) => ({ conversations: rows, nextCursor, syncCursor: "100" })),
    pageParams: chunks.map((_, index) => (index === 0 ? null : `cursor-${index}`)),
  };
}

const ids = (data: InfiniteData<ConversationsPage, unknown>) => data.pages.map((page) => page.conversations.map((row) => row.id));

describe("compareConversations", () => {
  it("orders by last activity, newest first, never-active last, then by id descending", () => {
    const rows = [conversation("a", 1), conversation("b", null), conversation("c", 5), conversation("d", 5), conversation("e", null)];
    expect(rows.sort(compareConversations).map((row) => row.id)).toEqual(["d", "c", "a", "e", "b"]);
  });
});

describe("mergeConversationChanges", () => {
  it("moves a conversation with a new message to the top and updates it in place", () => {
    const data = pages({ rows: [conversation("a", 30), conversation("b", 20), conversation("c", 10)], nextCursor: null });
    const merged = mergeConversationChanges(data, { conversations: [conversation("c", 40, { unreadCount: 2 })], removed: [] });
    expect(ids(merged)).toEqual([["c", "a", "b"]]);
    expect(merged.pages[0].conversations[0].unreadCount).toBe(2);
    // The input is left untouched (the QueryClient compares by reference).
    expect(ids(data)).toEqual([["a", "b", "c"]]);
  });

  it("inserts a new conversation at its place and drops removed ones", () => {
    const data = pages({ rows: [conversation("a", 30), conversation("b", 20)], nextCursor: null });
    const merged = mergeConversationChanges(data, { conversations: [conversation("new", 25)], removed: ["a"] });
    expect(ids(merged)).toEqual([["new", "b"]]);
  });

  it("keeps conversations past the loaded range for the next page (no duplicate when it loads)", () => {
    const data = pages({ rows: [conversation("a", 30), conversation("b", 20)], nextCursor: "more" });
    const merged = mergeConversationChanges(data, { conversations: [conversation("old", 5), conversation("fresh", 50)], removed: [] });
    expect(ids(merged)).toEqual([["fresh", "a", "b"]]);
  });

  it("remembers where the loaded range ended when its last row moves up", () => {
    const data = pages({ rows: [conversation("a", 30), conversation("b", 20)], nextCursor: "more" });
    const once = mergeConversationChanges(data, { conversations: [conversation("b", 40)], removed: [] });
    expect(ids(once)).toEqual([["b", "a"]]);
    // "c" sorts between a (30) and b's old place (20): still inside what was loaded.
    const twice = mergeConversationChanges(once, { conversations: [conversation("c", 25, { assignee: { id: "u", name: "U" } })], removed: [] });
    expect(ids(twice)).toEqual([["b", "a", "c"]]);
  });

  it("places rows across pages and appends at the end when nothing more is to load", () => {
    const data = pages({ rows: [conversation("a", 30), conversation("b", 20)], nextCursor: "p2" }, { rows: [conversation("c", 10)], nextCursor: null });
    const merged = mergeConversationChanges(data, { conversations: [conversation("d", 15), conversation("e", null)], removed: [] });
    expect(ids(merged)).toEqual([["a", "b"], ["d", "c", "e"]]);
  });

  it("is idempotent: the same delta twice gives the same list", () => {
    const data = pages({ rows: [conversation("a", 30), conversation("b", 20)], nextCursor: null });
    const delta = { conversations: [conversation("b", 40), conversation("x", 35)], removed: ["a"] };
    const once = mergeConversationChanges(data, delta);
    expect(ids(mergeConversationChanges(once, delta))).toEqual(ids(once));
  });

  it("only updates and drops rows of a search (nothing is added or moved)", () => {
    const data = pages({ rows: [conversation("a", 30), conversation("b", 20)], nextCursor: null });
    const merged = mergeConversationChanges(data, { conversations: [conversation("b", 50, { unreadCount: 3 }), conversation("other", 60)], removed: ["a"], canInsert: false });
    expect(ids(merged)).toEqual([["b"]]);
    expect(merged.pages[0].conversations[0].unreadCount).toBe(3);
  });

  it("returns the same object when nothing changed", () => {
    const data = pages({ rows: [conversation("a", 30)], nextCursor: null });
    expect(mergeConversationChanges(data, { conversations: [], removed: [] })).toBe(data);
  });
});

describe("patchConversationRows and flattenConversations", () => {
  it("patches rows in place and flattens pages without duplicates", () => {
    const data = pages({ rows: [conversation("a", 30), conversation("b", 20)], nextCursor: "p2" }, { rows: [conversation("b", 20), conversation("c", 10)], nextCursor: null });
    const patched = patchConversationRows(data, [conversation("c", 10, { status: "archived" })]);
    expect(flattenConversations(patched).map((row) => `${row.id}:${row.status}`)).toEqual(["a:open", "b:open", "c:archived"]);
  });
});

function message(id: string, minutes: number, overrides: Partial<Message> = {}): Message {
  return {
    id,
    conversationId: "conv",
    direction: "inbound",
    contentType: "text",
    content: { type: "text", text: id },
    status: "received",
    statusAt: null,
    errorCode: null,
    errorMessage: null,
    senderType: "contact",
    senderUserId: null,
    senderUser: null,
    isAutoReply: false,
    messageTag: null,
    externalId: null,
    idempotencyKey: null,
    createdAt: at(minutes),
    sentAt: null,
    deletedAt: null,
    ...overrides,
  };
}

function thread(...chunks: Array<{ rows: Message[]; nextBefore: string | null }>): InfiniteData<MessagesPage, unknown> {
  return { pages: chunks.map(({ rows, nextBefore }) => ({ messages: rows, nextBefore, syncCursor: "100" })), pageParams: chunks.map(() => null) };
}

const order = (data: InfiniteData<MessagesPage, unknown>) => flattenMessages(data).map((row) => `${row.id}:${row.status}`);

describe("mergeMessages", () => {
  it("appends new messages in time order and updates statuses in place", () => {
    const data = thread({ rows: [message("m1", 1), message("m2", 2, { direction: "outbound", status: "sent" })], nextBefore: null });
    const merged = mergeMessages(data, [message("m4", 4), message("m2", 2, { direction: "outbound", status: "read" }), message("m3", 3)]);
    expect(order(merged)).toEqual(["m1:received", "m2:read", "m3:received", "m4:received"]);
  });

  it("replaces the optimistic bubble with the stored message by idempotency key", () => {
    const optimistic = message("optimistic:k1", 5, { direction: "outbound", status: "pending", idempotencyKey: "k1" });
    const data = thread({ rows: [message("m1", 1), optimistic], nextBefore: null });
    const merged = mergeMessages(data, [message("real", 5, { direction: "outbound", status: "pending", idempotencyKey: "k1" })]);
    expect(order(merged)).toEqual(["m1:received", "real:pending"]);
  });

  it("keeps a further status when asked (a send's 201 after a faster poll)", () => {
    const data = thread({ rows: [message("m1", 1, { direction: "outbound", status: "delivered", idempotencyKey: "k" })], nextBefore: null });
    const stale = message("m1", 1, { direction: "outbound", status: "pending", idempotencyKey: "k" });
    expect(order(mergeMessages(data, [stale], { keepFurtherStatus: true }))).toEqual(["m1:delivered"]);
    expect(order(mergeMessages(data, [stale]))).toEqual(["m1:pending"]);
    // A retry turns a failure back into "pending": never kept back.
    const failed = thread({ rows: [message("m1", 1, { direction: "outbound", status: "failed" })], nextBefore: null });
    expect(order(mergeMessages(failed, [message("m1", 1, { direction: "outbound", status: "pending" })], { keepFurtherStatus: true }))).toEqual(["m1:pending"]);
  });

  it("leaves a message older than every loaded one to 'load earlier'", () => {
    const data = thread({ rows: [message("m5", 5), message("m6", 6)], nextBefore: "m5" });
    expect(order(mergeMessages(data, [message("m1", 1, { status: "read" })]))).toEqual(["m5:received", "m6:received"]);
  });

  it("puts a message into the right page of a multi-page thread", () => {
    const data = thread({ rows: [message("m5", 5), message("m6", 6)], nextBefore: "m5" }, { rows: [message("m1", 1), message("m2", 2)], nextBefore: null });
    const merged = mergeMessages(data, [message("m3", 3), message("m7", 7)]);
    expect(merged.pages.map((page) => page.messages.map((row) => row.id))).toEqual([["m5", "m6", "m7"], ["m1", "m2", "m3"]]);
  });

  it("adds the first message of an empty thread and removes one by id", () => {
    const data = thread({ rows: [], nextBefore: null });
    const merged = mergeMessages(data, [message("m1", 1)]);
    expect(order(merged)).toEqual(["m1:received"]);
    expect(order(removeMessage(merged, "m1"))).toEqual([]);
  });
});
