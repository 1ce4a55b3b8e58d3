"use client";

import { useMutation, useQueryClient, type InfiniteData } from "@tanstack/react-query";
import { inboxApi, inboxKeys, type Conversation, type ConversationsPage, type PatchConversationInput } from "@/lib/inbox/queries";
import { patchConversationRows } from "./merge-changes";

export type UseConversationActionsOptions = {
  slug: string;
  conversationId: string;
  /** Called after a change lands: the delta poll then moves the row between lists. */
  onChanged: () => void;
};

/**
 * PATCH /api/conversations/[id] (assign, status, bot, read state). The answer updates the
 * pane's summary and the row wherever a cached list shows it; whether the row still belongs to
 * the current filter is the server's call, and comes back as `removed` in the next poll.
 */
export function useConversationActions({ slug, conversationId, onChanged }: UseConversationActionsOptions) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: PatchConversationInput) => inboxApi.patchConversation({ slug, conversationId, input }),
    onSuccess: (conversation) => {
      writeConversation({ queryClient, slug, conversation });
      void queryClient.invalidateQueries({ queryKey: inboxKeys.counts(slug), exact: true });
      onChanged();
    },
  });
}

/** Writes a conversation's latest summary into its detail cache and every cached list row. */
export function writeConversation({ queryClient, slug, conversation }: { queryClient: ReturnType<typeof useQueryClient>; slug: string; conversation: Conversation }) {
  queryClient.setQueryData<{ conversation: Conversation }>(inboxKeys.conversation(slug, conversation.id), { conversation });
  queryClient.setQueriesData<InfiniteData<ConversationsPage>>({ queryKey: inboxKeys.lists(slug) }, (data) => (data ? patchConversationRows(data, [conversation]) : data));
}
