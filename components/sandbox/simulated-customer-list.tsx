"use client";

import type { SandboxConversation } from "@/lib/sandbox/queries";
import { cn } from "@/components/ui/cn";
import { formatTime } from "@/components/messages/format-time";
import { formatDate } from "@/lib/format/format-date";

export type SimulatedCustomerListProps = {
  conversations: SandboxConversation[];
  selectedExternalId: string | null;
  onSelect: (conversation: SandboxConversation) => void;
};

/** The Sandbox channel's customers; picking one writes as them and opens their thread. */
export function SimulatedCustomerList({ conversations, selectedExternalId, onSelect }: SimulatedCustomerListProps) {
  return (
    <ul aria-label="Simulated customers" className="-mx-2 space-y-1">
      {conversations.map((conversation) => {
        const isSelected = conversation.contact.externalId === selectedExternalId;
        const name = conversation.contact.displayName ?? conversation.contact.externalId;
        return (
          <li key={conversation.id}>
            <button
              type="button"
              aria-pressed={isSelected}
              onClick={() => onSelect(conversation)}
              className={cn(
                "flex w-full items-start gap-3 rounded-lg px-2 py-2 text-left text-sm transition-colors",
                "focus-visible:outline-2 focus-visible:outline-offset-0 focus-visible:outline-brand-500",
                isSelected ? "bg-brand-50" : "hover:bg-slate-50",
              )}
            >
              <span aria-hidden="true" className="flex size-8 shrink-0 items-center justify-center rounded-full bg-slate-200 text-xs font-semibold text-slate-700 uppercase">
                {initials(name)}
              </span>
              <span className="min-w-0 flex-1">
                <span className="flex items-baseline justify-between gap-2">
                  <span className={cn("truncate font-medium", isSelected ? "text-brand-700" : "text-slate-900")}>{name}</span>
                  {conversation.lastMessageAt ? (
                    <time dateTime={conversation.lastMessageAt.toISOString()} className="shrink-0 text-xs text-slate-500">
                      {isToday(conversation.lastMessageAt) ? formatTime(conversation.lastMessageAt) : formatDate(conversation.lastMessageAt)}
                    </time>
                  ) : null}
                </span>
                <span className="flex items-center justify-between gap-2">
                  <span className="truncate text-slate-500">{conversation.lastMessagePreview ?? "No messages yet"}</span>
                  {conversation.unreadCount > 0 ? (
                    <span className="shrink-0 rounded-full bg-brand-600 px-1.5 text-xs font-medium text-white">
                      {conversation.unreadCount}
                      <span className="sr-only"> unread</span>
                    </span>
                  ) : null}
                </span>
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}

function initials(name: string) {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0])
    .join("");
}

function isToday(date: Date) {
  return date.toDateString() === new Date().toDateString();
}
