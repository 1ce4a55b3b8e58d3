"use client";

import type { MouseEvent } from "react";
import type { Conversation } from "@/lib/inbox/queries";
import { formatDateTime } from "@/lib/format/format-date";
import { cn } from "@/components/ui/cn";
import { ChannelLabel } from "./channel-label";
import { ContactAvatar } from "./contact-avatar";
import { contactName } from "./contact-name";
import { describeReplyWindow, formatRelativeTime } from "./format-activity";

export type ConversationRowProps = {
  conversation: Conversation;
  /** The URL that selects this conversation (kept for open-in-new-tab). */
  href: string;
  isSelected: boolean;
  /** The current time in ms (shared by every row, refreshed by the list). */
  now: number;
  /** Rows assigned to the viewer say "You". */
  currentUserId: string;
  onSelect: (conversation: Conversation) => void;
};

/** One conversation in the list: who, where, the last message, how long ago, and the reply window. */
export function ConversationRow({ conversation, href, isSelected, now, currentUserId, onSelect }: ConversationRowProps) {
  const name = contactName(conversation.contact);
  const isUnread = conversation.unreadCount > 0;
  const replyWindow = describeReplyWindow(conversation.windowClosesAt, now);

  function onClick(event: MouseEvent<HTMLAnchorElement>) {
    // Modified clicks keep the browser's behaviour (new tab, new window).
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || event.button !== 0) return;
    event.preventDefault();
    onSelect(conversation);
  }

  return (
    <li>
      <a
        href={href}
        onClick={onClick}
        data-testid="conversation-row"
        data-conversation-id={conversation.id}
        aria-current={isSelected ? "true" : undefined}
        className={cn(
          "flex gap-3 border-l-2 px-4 py-3 text-sm transition-colors",
          "focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-brand-500",
          isSelected ? "border-brand-600 bg-brand-50" : "border-transparent hover:bg-slate-50",
        )}
      >
        <ContactAvatar name={name} avatarUrl={conversation.contact.avatarUrl} className="mt-0.5 size-9" />
        <span className="min-w-0 flex-1">
          <span className="flex items-baseline justify-between gap-2">
            <span className={cn("truncate", isUnread ? "font-semibold text-slate-900" : "font-medium text-slate-800")}>{name}</span>
            {conversation.lastMessageAt ? (
              <time
                dateTime={conversation.lastMessageAt.toISOString()}
                title={formatDateTime(conversation.lastMessageAt)}
                className={cn("shrink-0 text-xs tabular-nums", isUnread ? "font-medium text-brand-700" : "text-slate-500")}
              >
                {formatRelativeTime(conversation.lastMessageAt, now)}
              </time>
            ) : null}
          </span>
          <span className="mt-0.5 flex items-center justify-between gap-2 text-xs text-slate-500">
            <ChannelLabel channel={conversation.channel} />
            <span
              data-testid="reply-window"
              className={cn(
                "shrink-0",
                replyWindow.isClosingSoon ? "font-medium text-amber-700" : replyWindow.isOpen ? "text-emerald-700" : "text-slate-500",
              )}
            >
              {replyWindow.label}
            </span>
          </span>
          <span className="mt-1 flex items-center justify-between gap-2">
            <span className={cn("truncate", isUnread ? "text-slate-800" : "text-slate-500")}>{conversation.lastMessagePreview ?? "No messages yet"}</span>
            {isUnread ? (
              <span data-testid="unread-badge" className="shrink-0 rounded-full bg-brand-600 px-1.5 text-xs font-medium text-white tabular-nums">
                {conversation.unreadCount}
                <span className="sr-only"> unread</span>
              </span>
            ) : null}
          </span>
          {conversation.assignee || conversation.botPaused ? (
            <span className="mt-1 flex items-center gap-2 text-xs text-slate-500">
              {conversation.assignee ? (
                <span data-testid="row-assignee" className="truncate">
                  <span className="sr-only">Assigned to </span>
                  <span aria-hidden="true">→ </span>
                  {conversation.assignee.id === currentUserId ? "You" : conversation.assignee.name}
                </span>
              ) : null}
              {conversation.botPaused ? <span className="shrink-0 rounded bg-amber-50 px-1 text-amber-800">Bot paused</span> : null}
            </span>
          ) : null}
        </span>
      </a>
    </li>
  );
}
