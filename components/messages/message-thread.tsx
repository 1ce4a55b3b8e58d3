"use client";

import { useLayoutEffect, useRef, useState } from "react";
import { useInfiniteQuery, useMutation, useQueryClient, type InfiniteData } from "@tanstack/react-query";
import { inboxApi, inboxKeys, messagesQuery, type Message, type MessagesPage } from "@/lib/inbox/queries";
import { flattenMessages, mergeMessages } from "@/components/inbox/merge-changes";
import { QueryStatus } from "@/components/settings/query-status";
import { Button } from "@/components/ui/button";
import { MessageBubble } from "./message-bubble";
import { MessageTraceDialog } from "./message-trace-dialog";

/** Within this many pixels of the bottom the reader counts as "at the bottom" (follows new messages). */
const BOTTOM_SLACK_PX = 48;
/** Scrolling this close to the top loads earlier messages. */
const TOP_LOAD_PX = 80;

export type MessageThreadProps = {
  slug: string;
  conversationId: string;
  /** data-testid of the message list. */
  testId?: string;
  /** The accessible name of the message list ("Messages with Ada"). */
  label: string;
  /**
   * Refetch the newest page this often (the Sandbox). The inbox passes false: its delta poll
   * (components/inbox/use-inbox-sync.ts) merges new messages and statuses into this cache.
   */
  pollMs?: number | false;
  /** Failed outbound messages get a Retry button (members who may send). */
  canRetry?: boolean;
};

/**
 * A conversation's messages, oldest at the top. Follows new messages while the reader is at
 * the bottom; scrolled up, a "New messages" pill appears instead. Scrolling to the top (or
 * "Load earlier messages") pages back and keeps the reader's place. Render it with
 * `key={conversationId}`: its scroll state belongs to one conversation.
 */
export function MessageThread({ slug, conversationId, testId, label, pollMs = 3000, canRetry = false }: MessageThreadProps) {
  const queryClient = useQueryClient();
  const messages = useInfiniteQuery({ ...messagesQuery({ slug, conversationId }), refetchInterval: pollMs, meta: { showsErrorInline: true } });
  const [traceMessageId, setTraceMessageId] = useState<string | null>(null);
  const [hasUnseen, setHasUnseen] = useState(false);
  const scrollRef = useRef<HTMLDivElement>(null);
  const isAtBottomRef = useRef(true);
  const previousHeightRef = useRef<number | null>(null);

  const retry = useMutation({
    mutationFn: (message: Message) => inboxApi.retryMessage({ slug, messageId: message.id }),
    onSuccess: (message) => {
      queryClient.setQueryData<InfiniteData<MessagesPage>>(inboxKeys.messages(slug, conversationId), (data) => (data ? mergeMessages(data, [message]) : data));
    },
  });

  const list: Message[] = messages.data ? flattenMessages(messages.data) : [];
  const last = list.at(-1);
  const lastId = last?.id;
  const lastIsMine = Boolean(last && last.direction === "outbound" && last.id.startsWith("optimistic:"));

  // Follow new messages when the reader is at the bottom (or on first load, or after sending).
  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (!element || !lastId) return;
    if (isAtBottomRef.current || lastIsMine) {
      element.scrollTop = element.scrollHeight;
      isAtBottomRef.current = true;
    } else {
      setHasUnseen(true);
    }
  }, [lastId, lastIsMine]);

  // Keep the reader's place when earlier messages are added above.
  const firstId = list[0]?.id;
  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (element && previousHeightRef.current !== null) {
      element.scrollTop += element.scrollHeight - previousHeightRef.current;
      previousHeightRef.current = null;
    }
  }, [firstId]);

  function loadEarlier() {
    if (messages.isFetchingNextPage || !messages.hasNextPage) return;
    previousHeightRef.current = scrollRef.current?.scrollHeight ?? null;
    void messages.fetchNextPage();
  }

  function scrollToNewest() {
    const element = scrollRef.current;
    if (!element) return;
    element.scrollTo({ top: element.scrollHeight, behavior: "smooth" });
    isAtBottomRef.current = true;
    setHasUnseen(false);
  }

  return (
    <div className="relative flex min-h-0 flex-1 flex-col">
      <div
        ref={scrollRef}
        data-testid={testId ? `${testId}-scroller` : undefined}
        onScroll={(event) => {
          const element = event.currentTarget;
          isAtBottomRef.current = element.scrollHeight - element.scrollTop - element.clientHeight < BOTTOM_SLACK_PX;
          if (isAtBottomRef.current) setHasUnseen(false);
          if (element.scrollTop < TOP_LOAD_PX && messages.hasNextPage) loadEarlier();
        }}
        className="min-h-0 flex-1 overflow-y-auto bg-slate-50 px-3 py-4 sm:px-4"
      >
        <QueryStatus isPending={messages.isPending} error={messages.error} what="messages" onRetry={() => void messages.refetch()} />
        {messages.hasNextPage ? (
          <div className="mb-3 flex justify-center">
            <Button size="sm" variant="secondary" isPending={messages.isFetchingNextPage} onClick={loadEarlier}>
              Load earlier messages
            </Button>
          </div>
        ) : null}
        {messages.data && list.length === 0 ? <p className="py-8 text-center text-sm text-slate-500">No messages in this conversation yet.</p> : null}
        {messages.data ? (
          <ol data-testid={testId} aria-label={label} aria-live="polite" aria-relevant="additions" className="space-y-2">
            {list.map((message) => (
              <MessageBubble
                key={message.idempotencyKey ?? message.id}
                message={message}
                onShowTrace={(shown) => setTraceMessageId(shown.id)}
                onRetry={canRetry ? (failed) => retry.mutate(failed) : undefined}
                isRetrying={retry.isPending && retry.variables?.id === message.id}
              />
            ))}
          </ol>
        ) : null}
      </div>
      {hasUnseen ? (
        <div className="pointer-events-none absolute inset-x-0 bottom-3 flex justify-center">
          <button
            type="button"
            onClick={scrollToNewest}
            className="pointer-events-auto rounded-full bg-brand-600 px-3 py-1.5 text-xs font-medium text-white shadow-lg hover:bg-brand-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-500"
          >
            New messages ↓
          </button>
        </div>
      ) : null}
      <MessageTraceDialog slug={slug} messageId={traceMessageId} onClose={() => setTraceMessageId(null)} />
    </div>
  );
}
