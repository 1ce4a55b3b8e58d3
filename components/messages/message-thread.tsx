"use client";

import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { useInfiniteQuery } from "@tanstack/react-query";
import { messagesQuery, type Message } from "@/lib/inbox/queries";
import { QueryStatus } from "@/components/settings/query-status";
import { Button } from "@/components/ui/button";
import { MessageBubble } from "./message-bubble";
import { MessageTraceDialog } from "./message-trace-dialog";

/** How often the open thread asks for new messages and statuses (paused in hidden tabs). */
const POLL_MS = 3000;

export type MessageThreadProps = {
  slug: string;
  conversationId: string;
  /** data-testid of the message list. */
  testId?: string;
  /** The accessible name of the message list ("Conversation with Ada"). */
  label: string;
};

/**
 * A conversation's messages, oldest at the top, kept current by polling. Stays scrolled to
 * the newest message unless the reader scrolled up; "Load earlier messages" pages back.
 */
export function MessageThread({ slug, conversationId, testId, label }: MessageThreadProps) {
  const messages = useInfiniteQuery({ ...messagesQuery({ slug, conversationId }), refetchInterval: POLL_MS, meta: { showsErrorInline: true } });
  const [traceMessageId, setTraceMessageId] = useState<string | null>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const isAtBottomRef = useRef(true);
  const previousHeightRef = useRef<number | null>(null);

  // Pages come newest first; each page is oldest → newest.
  const list: Message[] = messages.data ? [...messages.data.pages].reverse().flatMap((page) => page.messages) : [];
  const lastId = list.at(-1)?.id;

  // Follow new messages when the reader is at the bottom (or on first load).
  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (element && isAtBottomRef.current) element.scrollTop = element.scrollHeight;
  }, [lastId]);

  // Keep the reader's place when earlier messages are added above.
  const firstId = list[0]?.id;
  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (element && previousHeightRef.current !== null) {
      element.scrollTop += element.scrollHeight - previousHeightRef.current;
      previousHeightRef.current = null;
    }
  }, [firstId]);

  useEffect(() => {
    isAtBottomRef.current = true;
  }, [conversationId]);

  function loadEarlier() {
    previousHeightRef.current = scrollRef.current?.scrollHeight ?? null;
    void messages.fetchNextPage();
  }

  return (
    <>
      <div
        ref={scrollRef}
        onScroll={(event) => {
          const element = event.currentTarget;
          isAtBottomRef.current = element.scrollHeight - element.scrollTop - element.clientHeight < 48;
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
          <ol data-testid={testId} aria-label={label} aria-live="polite" className="space-y-2">
            {list.map((message) => (
              <MessageBubble key={message.id} message={message} onShowTrace={(shown) => setTraceMessageId(shown.id)} />
            ))}
          </ol>
        ) : null}
      </div>
      <MessageTraceDialog slug={slug} messageId={traceMessageId} onClose={() => setTraceMessageId(null)} />
    </>
  );
}
