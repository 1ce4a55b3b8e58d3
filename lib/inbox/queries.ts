import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";
import { z } from "zod";
import { fetchJson } from "@/lib/http/fetch-json";

// Client-safe query factories for conversations, messages and traces. No server imports here.

/** Query keys: everything about one workspace's inbox sits under ["inbox", slug]. */
export const inboxKeys = {
  all: (slug: string) => ["inbox", slug] as const,
  conversations: (slug: string, filters: ConversationFilters) => ["inbox", slug, "conversations", filters] as const,
  messages: (slug: string, conversationId: string) => ["inbox", slug, "conversations", conversationId, "messages"] as const,
  trace: (slug: string, messageId: string) => ["inbox", slug, "messages", messageId, "trace"] as const,
};

const date = z.coerce.date();
const nullableDate = z.coerce.date().nullable();

const messageSchema = z.object({
  id: z.string(),
  direction: z.enum(["inbound", "outbound"]),
  contentType: z.string(),
  /** The stored MessageContent JSON; components/messages/message-content.tsx parses it for display. */
  content: z.unknown(),
  status: z.string(),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  senderType: z.string(),
  isAutoReply: z.boolean(),
  messageTag: z.string().nullable(),
  externalId: z.string().nullable(),
  createdAt: date,
  sentAt: nullableDate,
  deletedAt: nullableDate,
});
export type Message = z.infer<typeof messageSchema>;

const messagesPageSchema = z.object({ messages: z.array(messageSchema), nextBefore: z.string().nullable() });
export type MessagesPage = z.infer<typeof messagesPageSchema>;

const traceStepSchema = z.object({
  id: z.string(),
  step: z.string(),
  detail: z.unknown(),
  createdAt: date,
  webhookEvent: z.object({ id: z.string(), provider: z.string(), receivedAt: date, status: z.string() }).nullable(),
});
export type TraceStep = z.infer<typeof traceStepSchema>;

const traceSchema = z.object({
  message: z.object({
    id: z.string(),
    direction: z.string(),
    status: z.string(),
    externalId: z.string().nullable(),
    errorCode: z.string().nullable(),
    errorMessage: z.string().nullable(),
    createdAt: date,
  }),
  steps: z.array(traceStepSchema),
});
export type MessageTrace = z.infer<typeof traceSchema>;

export const conversationStatuses = ["open", "archived", "blocked"] as const;
export type ConversationStatus = (typeof conversationStatuses)[number];

/** The list filters; `channelId` null = every channel. */
export type ConversationFilters = { status: ConversationStatus; channelId: string | null };

const conversationSchema = z.object({
  id: z.string(),
  status: z.enum(conversationStatuses),
  unreadCount: z.number(),
  lastMessageAt: nullableDate,
  lastInboundAt: nullableDate,
  lastMessagePreview: z.string().nullable(),
  /** lastInboundAt + 24 h: until then the business may answer freely; null = the customer never wrote. */
  windowClosesAt: nullableDate,
  channel: z.object({ id: z.string(), type: z.string(), name: z.string() }),
  contact: z.object({
    id: z.string(),
    displayName: z.string().nullable(),
    username: z.string().nullable(),
    phone: z.string().nullable(),
    avatarUrl: z.string().nullable(),
  }),
});
export type Conversation = z.infer<typeof conversationSchema>;

const conversationsPageSchema = z.object({ conversations: z.array(conversationSchema), nextCursor: z.string().nullable() });

const CONVERSATIONS_PAGE_SIZE = 30;

export type ConversationsQueryOptions = { slug: string } & ConversationFilters;

/** The conversation list, most recent activity first, as an infinite query paged with `nextCursor`. */
export function conversationsQuery({ slug, status, channelId }: ConversationsQueryOptions) {
  return infiniteQueryOptions({
    queryKey: inboxKeys.conversations(slug, { status, channelId }),
    initialPageParam: null as string | null,
    queryFn: ({ signal, pageParam }) => {
      const params = new URLSearchParams({ status, limit: String(CONVERSATIONS_PAGE_SIZE) });
      if (channelId) params.set("channelId", channelId);
      if (pageParam) params.set("cursor", pageParam);
      return fetchJson(`/api/conversations?${params}`, { signal, headers: { "X-Workspace": slug }, schema: conversationsPageSchema });
    },
    getNextPageParam: (lastPage) => lastPage.nextCursor,
  });
}

const PAGE_SIZE = 50;

export type MessagesQueryOptions = { slug: string; conversationId: string };

/**
 * A conversation's messages as an infinite query: the first page is the newest one, each next
 * page goes further back (`nextBefore`). Every page is ordered oldest → newest.
 */
export function messagesQuery({ slug, conversationId }: MessagesQueryOptions) {
  return infiniteQueryOptions({
    queryKey: inboxKeys.messages(slug, conversationId),
    initialPageParam: null as string | null,
    queryFn: ({ signal, pageParam }) => {
      const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
      if (pageParam) params.set("before", pageParam);
      return fetchJson(`/api/conversations/${encodeURIComponent(conversationId)}/messages?${params}`, {
        signal,
        headers: { "X-Workspace": slug },
        schema: messagesPageSchema,
      });
    },
    getNextPageParam: (lastPage) => lastPage.nextBefore,
  });
}

export type MessageTraceQueryOptions = { slug: string; messageId: string };

export function messageTraceQuery({ slug, messageId }: MessageTraceQueryOptions) {
  return queryOptions({
    queryKey: inboxKeys.trace(slug, messageId),
    queryFn: ({ signal }) =>
      fetchJson(`/api/messages/${encodeURIComponent(messageId)}/trace`, { signal, headers: { "X-Workspace": slug }, schema: traceSchema }),
  });
}
