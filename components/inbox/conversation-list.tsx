"use client";

import { useEffect, useRef } from "react";
import Link from "next/link";
import { conversationStatuses, type AssigneeFilter, type Conversation, type ConversationFilters, type ConversationStatus, type InboxCounts } from "@/lib/inbox/queries";
import { QueryStatus } from "@/components/settings/query-status";
import { Button, buttonStyles } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { channelTypeLabel } from "./channel-label";
import { ConversationRow } from "./conversation-row";
import type { ConnectionState } from "./sync-timing";

const STATUS_LABELS: Record<ConversationStatus, string> = { open: "Open", archived: "Archived", blocked: "Blocked" };

export type InboxChannel = { id: string; type: string; name: string };

/** Where the list query stands (from useInfiniteQuery). */
export type ConversationListState = {
  isPending: boolean;
  error: Error | null;
  /** The rows shown belong to the previous filters while the new ones load. */
  isPlaceholderData: boolean;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  onLoadMore: () => void;
  onRetry: () => void;
};

export type ConversationListProps = {
  slug: string;
  channels: InboxChannel[];
  filters: ConversationFilters;
  /** What the search box shows (the filter follows it after a pause in typing). */
  searchText: string;
  counts: InboxCounts | null;
  state: ConversationListState;
  /** The loaded pages, flattened and without duplicates; null until the first page arrives. */
  conversations: Conversation[] | null;
  /** The current time in ms, for relative times and reply windows. */
  now: number;
  currentUserId: string;
  selectedId: string | null;
  connection: ConnectionState;
  isRefreshing: boolean;
  hrefFor: (conversationId: string) => string;
  onSelect: (conversation: Conversation) => void;
  onFiltersChange: (changes: Partial<Omit<ConversationFilters, "q">>) => void;
  onSearchTextChange: (text: string) => void;
  onRefresh: () => void;
  className?: string;
};

/** The left pane: search, filters with counts, the conversations (loading more as you scroll). */
export function ConversationList({
  slug,
  channels,
  filters,
  searchText,
  counts,
  state,
  conversations,
  now,
  currentUserId,
  selectedId,
  connection,
  isRefreshing,
  hrefFor,
  onSelect,
  onFiltersChange,
  onSearchTextChange,
  onRefresh,
  className,
}: ConversationListProps) {
  const { status, channelId, assignee, unread, q } = filters;
  const isFiltered = status !== "open" || channelId !== null || assignee !== "all" || unread || q !== "";
  const sentinelRef = useRef<HTMLDivElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, isPlaceholderData, onLoadMore } = state;

  // Infinite scroll: the next page loads when the end of the list comes into view.
  useEffect(() => {
    const sentinel = sentinelRef.current;
    if (!sentinel || !hasNextPage || isPlaceholderData) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting) && !isFetchingNextPage) onLoadMore();
      },
      { root: scrollRef.current, rootMargin: "200px" },
    );
    observer.observe(sentinel);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, isPlaceholderData, onLoadMore]);

  const statusCount = (value: ConversationStatus) => counts?.[value];
  const assigneeCount = (value: AssigneeFilter) => (value === "me" ? counts?.mine : value === "unassigned" ? counts?.unassigned : counts?.open);

  return (
    <section aria-label="Conversations" className={cn("flex flex-col overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm", className)}>
      <div className="space-y-2.5 border-b border-slate-100 p-3">
        <div className="flex items-center gap-2">
          <div className="min-w-0 flex-1">
            <label htmlFor="inbox-search" className="sr-only">
              Search conversations
            </label>
            <Input
              id="inbox-search"
              type="search"
              value={searchText}
              onChange={(event) => onSearchTextChange(event.target.value)}
              placeholder="Search name, @username, phone, text"
              className="h-9"
              autoComplete="off"
            />
          </div>
          <Button variant="secondary" size="sm" aria-label="Refresh the inbox" title="Refresh" isPending={isRefreshing} onClick={onRefresh} className="h-9 px-2.5">
            {isRefreshing ? null : <RefreshIcon />}
          </Button>
        </div>
        <ConnectionHint connection={connection} />

        <div role="group" aria-label="Status" className="grid grid-cols-3 gap-1 rounded-lg bg-slate-100 p-1">
          {conversationStatuses.map((value) => {
            const isActive = value === status;
            const count = statusCount(value);
            return (
              <button
                key={value}
                type="button"
                aria-pressed={isActive}
                onClick={() => onFiltersChange({ status: value })}
                className={cn(
                  "flex h-8 items-center justify-center gap-1.5 rounded-md text-sm font-medium transition-colors",
                  "focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-brand-500",
                  isActive ? "bg-white text-slate-900 shadow-sm" : "text-slate-600 hover:text-slate-900",
                )}
              >
                {STATUS_LABELS[value]}
                {count !== undefined ? (
                  <span data-testid={`count-${value}`} className="text-xs font-normal text-slate-500 tabular-nums">
                    {formatCount(count)}
                  </span>
                ) : null}
              </button>
            );
          })}
        </div>

        <div className="grid grid-cols-2 gap-2">
          <div>
            <label htmlFor="inbox-assignee-filter" className="sr-only">
              Assignee
            </label>
            <Select id="inbox-assignee-filter" value={assignee} onChange={(event) => onFiltersChange({ assignee: parseAssignee(event.target.value) })} className="h-9">
              {(["all", "me", "unassigned"] as const).map((value) => {
                const count = assigneeCount(value);
                return (
                  <option key={value} value={value}>
                    {value === "all" ? "Everyone" : value === "me" ? "Mine" : "Unassigned"}
                    {count !== undefined && status === "open" ? ` (${formatCount(count)})` : ""}
                  </option>
                );
              })}
            </Select>
          </div>
          <div>
            <label htmlFor="inbox-channel-filter" className="sr-only">
              Channel
            </label>
            <Select id="inbox-channel-filter" value={channelId ?? ""} onChange={(event) => onFiltersChange({ channelId: event.target.value || null })} className="h-9">
              <option value="">All channels</option>
              {channels.map((channel) => {
                const count = counts?.channels[channel.id];
                const name = channel.name === channelTypeLabel(channel.type) ? channel.name : `${channel.name} (${channelTypeLabel(channel.type)})`;
                return (
                  <option key={channel.id} value={channel.id}>
                    {name}
                    {count !== undefined && status === "open" ? ` · ${formatCount(count)}` : ""}
                  </option>
                );
              })}
            </Select>
          </div>
        </div>
        <button
          type="button"
          aria-pressed={unread}
          onClick={() => onFiltersChange({ unread: !unread })}
          className={cn(
            "inline-flex h-7 items-center gap-1.5 rounded-full border px-2.5 text-xs font-medium transition-colors",
            "focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-brand-500",
            unread ? "border-brand-600 bg-brand-600 text-white" : "border-slate-300 bg-white text-slate-700 hover:bg-slate-50",
          )}
        >
          Unread only
          {counts && status === "open" ? (
            <span data-testid="count-unread" className="tabular-nums">
              {formatCount(assignee === "me" ? counts.mineUnread : counts.unread)}
            </span>
          ) : null}
        </button>
      </div>

      <div ref={scrollRef} className={cn("min-h-0 flex-1 overflow-y-auto transition-opacity", state.isPlaceholderData && "opacity-60")} aria-busy={state.isPlaceholderData || undefined}>
        <div className={cn((state.isPending || state.error) && "p-4")}>
          <QueryStatus isPending={state.isPending} error={state.error} what="conversations" onRetry={state.onRetry} />
        </div>

        {conversations?.length === 0 ? (
          isFiltered ? (
            <p className="px-4 py-10 text-center text-sm text-slate-500">{q ? `No conversations match “${q}”.` : "No conversations match these filters."}</p>
          ) : (
            <NoConversations slug={slug} />
          )
        ) : null}

        {conversations?.length ? (
          <ul aria-label={`${STATUS_LABELS[status]} conversations`} className="divide-y divide-slate-100">
            {conversations.map((conversation) => (
              <ConversationRow
                key={conversation.id}
                conversation={conversation}
                href={hrefFor(conversation.id)}
                isSelected={conversation.id === selectedId}
                now={now}
                currentUserId={currentUserId}
                onSelect={onSelect}
              />
            ))}
          </ul>
        ) : null}

        {state.hasNextPage && !state.isPlaceholderData ? (
          <div ref={sentinelRef} className="flex justify-center border-t border-slate-100 p-3">
            <Button size="sm" variant="secondary" isPending={state.isFetchingNextPage} onClick={state.onLoadMore}>
              Load more
            </Button>
          </div>
        ) : null}
      </div>
    </section>
  );
}

function ConnectionHint({ connection }: { connection: ConnectionState }) {
  return (
    <p role="status" aria-live="polite" className={cn("text-xs", connection === "live" ? "sr-only" : "font-medium text-amber-700")}>
      {connection === "offline" ? "Offline: new messages will show when you are back online." : connection === "reconnecting" ? "Reconnecting…" : "Live"}
    </p>
  );
}

function parseAssignee(value: string): AssigneeFilter {
  return value === "me" || value === "unassigned" ? value : "all";
}

/** Counts above 999 as "1k+" so the tabs keep their width. */
function formatCount(count: number): string {
  return count > 999 ? `${Math.floor(count / 1000)}k+` : String(count);
}

function RefreshIcon() {
  return (
    <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" className="size-4">
      <path d="M20 11a8 8 0 0 0-14.9-3.5M4 4v4h4M4 13a8 8 0 0 0 14.9 3.5M20 20v-4h-4" />
    </svg>
  );
}

function NoConversations({ slug }: { slug: string }) {
  return (
    <div className="px-5 py-10 text-center">
      <h2 className="text-base font-semibold text-slate-900">No conversations yet</h2>
      <p className="mt-2 text-sm text-slate-600">
        When a customer messages one of your channels, the conversation appears here. Try it now with the Sandbox, or connect Instagram and WhatsApp in
        Settings → Channels.
      </p>
      <div className="mt-5 flex flex-wrap justify-center gap-2">
        <Link href={`/${slug}/sandbox`} className={buttonStyles({ size: "sm" })}>
          Open the Sandbox
        </Link>
        <Link href={`/${slug}/settings/channels`} className={buttonStyles({ size: "sm", variant: "secondary" })}>
          Settings → Channels
        </Link>
      </div>
    </div>
  );
}
