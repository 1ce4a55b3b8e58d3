import { queryOptions } from "@tanstack/react-query";
import { z } from "zod";
import { fetchJson } from "@/lib/http/fetch-json";

// Client-safe query factories for the Sandbox channel's customer simulator. No server imports here.

/** Query keys: everything about one workspace's sandbox sits under ["sandbox", slug]. */
export const sandboxKeys = {
  all: (slug: string) => ["sandbox", slug] as const,
  conversations: (slug: string) => ["sandbox", slug, "conversations"] as const,
};

const sandboxConversationSchema = z.object({
  id: z.string(),
  status: z.string(),
  unreadCount: z.number(),
  lastMessageAt: z.coerce.date().nullable(),
  lastMessagePreview: z.string().nullable(),
  contact: z.object({ id: z.string(), externalId: z.string(), displayName: z.string().nullable() }),
});
export type SandboxConversation = z.infer<typeof sandboxConversationSchema>;

const simulatedMessageSchema = z.object({ eventId: z.string(), messageId: z.string(), contactExternalId: z.string() });

export function sandboxConversationsQuery(slug: string) {
  return queryOptions({
    queryKey: sandboxKeys.conversations(slug),
    queryFn: ({ signal }) =>
      fetchJson("/api/sandbox/conversations", {
        signal,
        headers: { "X-Workspace": slug },
        schema: z.object({ conversations: z.array(sandboxConversationSchema) }),
      }),
    select: (data) => data.conversations,
  });
}

export type SendSandboxMessageOptions = {
  slug: string;
  contactName: string;
  text: string;
  /** An existing simulated customer; omitted, the server derives one from the name. */
  contactExternalId?: string;
};

/** Mutation requests, so components never build URLs themselves. */
export const sandboxApi = {
  /**
   * Sends a message "from the customer". Resolves on 202: the delivery is stored and queued;
   * the message appears in the conversation once a worker has processed it (usually < 1 s).
   */
  sendMessage: ({ slug, ...body }: SendSandboxMessageOptions) =>
    fetchJson("/api/sandbox/messages", { method: "POST", headers: { "X-Workspace": slug }, body, schema: simulatedMessageSchema }),
};
