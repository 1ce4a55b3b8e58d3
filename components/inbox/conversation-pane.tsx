"use client";

import { useEffect, useRef } from "react";
import type { Conversation } from "@/lib/inbox/queries";
import { MessageThread } from "@/components/messages/message-thread";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { ChannelLabel } from "./channel-label";
import { contactName } from "./contact-name";
import { describeReplyWindow } from "./format-activity";

export type ConversationPaneProps = {
  slug: string;
  conversationId: string;
  /** The list's row for it; null while the list loads or when the row is not on a loaded page. */
  conversation: Conversation | null;
  /** The current time in ms, for the reply window. */
  now: number;
  /** Move focus to the heading when the pane opens (phones, where the list is hidden). */
  shouldFocus: boolean;
  onBack: () => void;
  className?: string;
};

/**
 * The right pane: who the conversation is with, its channel and reply window, and the thread
 * (components/messages, polled every 3 s). Read-only for now: no composer.
 */
export function ConversationPane({ slug, conversationId, conversation, now, shouldFocus, onBack, className }: ConversationPaneProps) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const name = conversation ? contactName(conversation.contact) : "Conversation";
  const handle = conversation ? contactHandle(conversation.contact, name) : null;
  const replyWindow = conversation ? describeReplyWindow(conversation.windowClosesAt, now) : null;
  const statusLabel = conversation?.status === "archived" ? "Archived" : conversation?.status === "blocked" ? "Blocked" : null;

  useEffect(() => {
    if (shouldFocus) headingRef.current?.focus();
  }, [conversationId, shouldFocus]);

  return (
    <section aria-label={`Conversation with ${name}`} className={cn("flex flex-col overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm", className)}>
      <header className="flex items-center gap-2 border-b border-slate-100 px-3 py-3 sm:px-4">
        <Button variant="ghost" size="sm" onClick={onBack} className="-ml-1 px-2 lg:hidden">
          <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" className="size-4">
            <path d="M15 5l-7 7 7 7" />
          </svg>
          Back
        </Button>
        <div className="min-w-0 flex-1">
          <h2 ref={headingRef} tabIndex={-1} className="truncate text-base font-semibold text-slate-900 focus:outline-none">
            {name}
          </h2>
          {conversation ? (
            <p className="flex min-w-0 items-center gap-1.5 text-xs text-slate-500">
              <ChannelLabel channel={conversation.channel} />
              {handle ? (
                <>
                  <span aria-hidden="true">·</span>
                  <span className="truncate">{handle}</span>
                </>
              ) : null}
              {/* Phones: the badges' room goes to the name, so their text moves here. */}
              {replyWindow ? <span className="shrink-0 sm:hidden">· {[statusLabel, replyWindow.label].filter(Boolean).join(" · ")}</span> : null}
            </p>
          ) : null}
        </div>
        <div className="hidden shrink-0 items-center gap-2 sm:flex">
          {statusLabel ? <Badge tone="warning">{statusLabel}</Badge> : null}
          {replyWindow ? (
            <Badge tone={replyWindow.isClosingSoon ? "warning" : replyWindow.isOpen ? "success" : "neutral"}>
              <span className="sr-only">Reply window: </span>
              {replyWindow.label}
            </Badge>
          ) : null}
        </div>
      </header>
      <MessageThread key={conversationId} slug={slug} conversationId={conversationId} testId="inbox-thread" label={`Messages with ${name}`} />
    </section>
  );
}

/** The username or phone shown under the name, unless it already is the name. */
function contactHandle(contact: Conversation["contact"], name: string): string | null {
  const username = contact.username ? `@${contact.username.replace(/^@/, "")}` : null;
  const handle = [username, contact.phone].filter((value): value is string => Boolean(value) && value !== name).join(" · ");
  return handle || null;
}
