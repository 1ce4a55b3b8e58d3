"use client";

import { useRef, useState } from "react";
import { useQueryClient, type InfiniteData } from "@tanstack/react-query";
import { FetchError } from "@/lib/http/fetch-json";
import { inboxApi, inboxKeys, type Message, type MessagesPage, type SendMessageInput } from "@/lib/inbox/queries";
import { mergeMessages, removeMessage } from "./merge-changes";

export type SendDraft = Omit<SendMessageInput, "idempotencyKey">;

export type UseSendMessageOptions = {
  slug: string;
  conversationId: string;
  /** The sender shown on the optimistic bubble. */
  currentUser: { id: string; name: string };
};

export type SendOutcome = { ok: true; message: Message } | { ok: false; error: FetchError | Error };

/**
 * Sends a reply with an idempotency key per compose attempt: the same draft sent again after
 * a network error or a 5xx reuses its key, so the server stores (and the provider receives) it
 * once even if the first request did land. A changed draft, a success or a 4xx starts a new
 * attempt. Shows an optimistic "Sending…" bubble that the stored message replaces.
 */
export function useSendMessage({ slug, conversationId, currentUser }: UseSendMessageOptions) {
  const queryClient = useQueryClient();
  const attemptRef = useRef<{ key: string; fingerprint: string } | null>(null);
  const [isSending, setIsSending] = useState(false);
  const messagesKey = inboxKeys.messages(slug, conversationId);

  async function send(draft: SendDraft, preview: Pick<Message, "contentType" | "content">): Promise<SendOutcome> {
    const fingerprint = JSON.stringify(draft);
    const key = attemptRef.current?.fingerprint === fingerprint ? attemptRef.current.key : crypto.randomUUID();
    attemptRef.current = { key, fingerprint };
    const optimistic: Message = {
      id: `optimistic:${key}`,
      conversationId,
      direction: "outbound",
      contentType: preview.contentType,
      content: preview.content,
      status: "pending",
      statusAt: null,
      errorCode: null,
      errorMessage: null,
      senderType: "agent",
      senderUserId: currentUser.id,
      senderUser: currentUser,
      isAutoReply: false,
      messageTag: draft.humanAgentTag ? "HUMAN_AGENT" : null,
      externalId: null,
      idempotencyKey: key,
      createdAt: new Date(),
      sentAt: null,
      deletedAt: null,
    };
    setIsSending(true);
    queryClient.setQueryData<InfiniteData<MessagesPage>>(messagesKey, (data) => (data ? mergeMessages(data, [optimistic]) : data));
    try {
      const message = await inboxApi.sendMessage({ slug, conversationId, input: { ...draft, idempotencyKey: key } });
      queryClient.setQueryData<InfiniteData<MessagesPage>>(messagesKey, (data) => (data ? mergeMessages(data, [message], { keepFurtherStatus: true }) : data));
      attemptRef.current = null;
      return { ok: true, message };
    } catch (error) {
      queryClient.setQueryData<InfiniteData<MessagesPage>>(messagesKey, (data) => (data ? removeMessage(data, optimistic.id) : data));
      // Refused (4xx): nothing was stored, and the agent will change the draft.
      if (error instanceof FetchError && error.isClientError) attemptRef.current = null;
      return { ok: false, error: error instanceof Error ? error : new Error("Could not send") };
    } finally {
      setIsSending(false);
    }
  }

  return { send, isSending };
}
