import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";
import { z } from "zod";
import { fetchJson } from "@/lib/http/fetch-json";

// Client-safe query factories for conversations, messages and traces. No server imports here.

/** Query keys: everything about one workspace's inbox sits under ["inbox", slug]. */
export const inboxKeys = {
  all: (slug: string) => ["inbox", slug] as const,
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
