"use client";

import { useEffect, useRef } from "react";
import { useQueryClient, type InfiniteData } from "@tanstack/react-query";
import { inboxApi, inboxKeys, type Conversation, type ConversationsPage } from "@/lib/inbox/queries";
import { MessageThread } from "@/components/messages/message-thread";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { ChannelLabel } from "./channel-label";
import { Composer } from "./composer";
import { ContactAvatar } from "./contact-avatar";
import { contactName } from "./contact-name";
import { ConversationActions } from "./conversation-actions";
import { describeReplyWindow } from "./format-activity";
import { writeConversation } from "./use-conversation-actions";

export type ConversationPaneProps = {
  slug: string;
  conversationId: string;
  /** Its latest summary; null while it loads. */
  conversation: Conversation | null;
  currentUser: { id: string; name: string };
  /** Owners, admins and agents reply and act; marketers read. */
  canWrite: boolean;
  /** The current time in ms, for the reply window. */
  now: number;
  /** Move focus to the heading when the pane opens (phones, where the list is hidden). */
  shouldFocus: boolean;
  onBack: () => void;
  /** Below `xl` the contact panel takes the thread's place. */
  onShowContact: () => void;
  onChanged: () => void;
  onMarkedUnread: () => void;
  className?: string;
};

/**
 * The middle pane: who the conversation is with, its channel and reply window, the actions,
 * the thread (kept current by the inbox's delta poll) and the composer.
 */
export function ConversationPane({
  slug,
  conversationId,
  conversation,
  currentUser,
  canWrite,
  now,
  shouldFocus,
  onBack,
  onShowContact,
  onChanged,
  onMarkedUnread,
  className,
}: ConversationPaneProps) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const name = conversation ? contactName(conversation.contact) : "Conversation";
  const handle = conversation ? contactHandle(conversation.contact, name) : null;
  const replyWindow = conversation ? describeReplyWindow(conversation.windowClosesAt, now) : null;
  const statusLabel = conversation?.status === "archived" ? "Archived" : conversation?.status === "blocked" ? "Blocked" : null;

  useEffect(() => {
    if (shouldFocus) headingRef.current?.focus();
  }, [conversationId, shouldFocus]);

  useMarkRead({ slug, conversation, isEnabled: canWrite });

  return (
    <section aria-label={`Conversation with ${name}`} className={cn("flex flex-col overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm", className)}>
      <header className="flex items-center gap-2 border-b border-slate-100 px-3 py-3 sm:px-4">
        <Button variant="ghost" size="sm" onClick={onBack} className="-ml-1 px-2 lg:hidden">
          <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" className="size-4">
            <path d="M15 5l-7 7 7 7" />
          </svg>
          Back
        </Button>
        {conversation ? <ContactAvatar name={name} avatarUrl={conversation.contact.avatarUrl} className="hidden size-9 sm:flex" /> : null}
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
          {conversation?.contact.optedOut ? <Badge tone="danger">Opted out</Badge> : null}
          {statusLabel ? <Badge tone="warning">{statusLabel}</Badge> : null}
          {replyWindow ? (
            <Badge tone={replyWindow.isClosingSoon ? "warning" : replyWindow.isOpen ? "success" : "neutral"}>
              <span className="sr-only">Reply window: </span>
              {replyWindow.label}
            </Badge>
          ) : null}
        </div>
        <Button variant="secondary" size="sm" onClick={onShowContact} className="xl:hidden" aria-label={`Contact details of ${name}`}>
          Contact
        </Button>
      </header>
      {conversation && canWrite ? (
        <ConversationActions slug={slug} conversation={conversation} currentUserId={currentUser.id} onChanged={onChanged} onMarkedUnread={onMarkedUnread} />
      ) : null}
      <MessageThread key={`thread-${conversationId}`} slug={slug} conversationId={conversationId} testId="inbox-thread" label={`Messages with ${name}`} pollMs={false} canRetry={canWrite} />
      {conversation && canWrite ? <Composer key={`composer-${conversation.id}`} slug={slug} conversation={conversation} currentUser={currentUser} /> : null}
      {!canWrite ? <p className="border-t border-slate-100 px-4 py-3 text-sm text-slate-600">Your role can read conversations but not reply.</p> : null}
    </section>
  );
}

/**
 * Marks the conversation read while it is open in a visible tab (at opening, and again when
 * new messages arrive). The unread badge clears at once; the server's answer confirms it.
 */
function useMarkRead({ slug, conversation, isEnabled }: { slug: string; conversation: Conversation | null; isEnabled: boolean }) {
  const queryClient = useQueryClient();
  const inFlightRef = useRef<string | null>(null);
  const id = conversation?.id ?? null;
  const unread = conversation?.unreadCount ?? 0;

  useEffect(() => {
    if (!isEnabled || !id || unread === 0) return;
    function markRead() {
      if (document.visibilityState !== "visible" || inFlightRef.current === id || !id) return;
      inFlightRef.current = id;
      queryClient.setQueriesData<InfiniteData<ConversationsPage>>({ queryKey: inboxKeys.lists(slug) }, (data) =>
        data
          ? { ...data, pages: data.pages.map((page) => ({ ...page, conversations: page.conversations.map((row) => (row.id === id ? { ...row, unreadCount: 0 } : row)) })) }
          : data,
      );
      inboxApi
        .patchConversation({ slug, conversationId: id, input: { unread: false } })
        .then((updated) => {
          writeConversation({ queryClient, slug, conversation: updated });
          void queryClient.invalidateQueries({ queryKey: inboxKeys.counts(slug), exact: true });
        })
        .catch(() => {
          // Not fatal: the badge comes back with the next poll and the next visit retries.
        })
        .finally(() => {
          inFlightRef.current = null;
        });
    }
    markRead();
    document.addEventListener("visibilitychange", markRead);
    return () => document.removeEventListener("visibilitychange", markRead);
  }, [isEnabled, id, unread, queryClient, slug]);
}

/** The username or phone shown under the name, unless it already is the name. */
function contactHandle(contact: Conversation["contact"], name: string): string | null {
  const username = contact.username ? `@${contact.username.replace(/^@/, "")}` : null;
  const handle = [username, contact.phone].filter((value): value is string => Boolean(value) && value !== name).join(" · ");
  return handle || null;
}
