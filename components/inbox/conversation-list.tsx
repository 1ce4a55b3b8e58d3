"use client";

import Link from "next/link";
import { conversationStatuses, type Conversation, type ConversationStatus } from "@/lib/inbox/queries";
import { QueryStatus } from "@/components/settings/query-status";
import { Button, buttonStyles } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Select } from "@/components/ui/select";
import { channelTypeLabel } from "./channel-label";
import { ConversationRow } from "./conversation-row";

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
  status: ConversationStatus;
  channelId: string | null;
  state: ConversationListState;
  /** The loaded pages, flattened and without duplicates; null until the first page arrives. */
  conversations: Conversation[] | null;
  /** The current time in ms, for relative times and reply windows. */
  now: number;
  selectedId: string | null;
  hrefFor: (conversationId: string) => string;
  onSelect: (conversation: Conversation) => void;
  onStatusChange: (status: ConversationStatus) => void;
  onChannelChange: (channelId: string | null) => void;
  className?: string;
};

/** The left pane: status tabs, channel filter, the conversations and "Load more". */
export function ConversationList({
  slug,
  channels,
  status,
  channelId,
  state,
  conversations,
  now,
  selectedId,
  hrefFor,
  onSelect,
  onStatusChange,
  onChannelChange,
  className,
}: ConversationListProps) {
  const isFiltered = status !== "open" || channelId !== null;

  return (
    <section aria-label="Conversations" className={cn("flex flex-col overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm", className)}>
      <div className="space-y-3 border-b border-slate-100 p-3">
        <div role="group" aria-label="Status" className="grid grid-cols-3 gap-1 rounded-lg bg-slate-100 p-1">
          {conversationStatuses.map((value) => {
            const isActive = value === status;
            return (
              <button
                key={value}
                type="button"
                aria-pressed={isActive}
                onClick={() => onStatusChange(value)}
                className={cn(
                  "h-8 rounded-md text-sm font-medium transition-colors",
                  "focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-brand-500",
                  isActive ? "bg-white text-slate-900 shadow-sm" : "text-slate-600 hover:text-slate-900",
                )}
              >
                {STATUS_LABELS[value]}
              </button>
            );
          })}
        </div>
        <div>
          <label htmlFor="inbox-channel-filter" className="sr-only">
            Channel
          </label>
          <Select id="inbox-channel-filter" value={channelId ?? ""} onChange={(event) => onChannelChange(event.target.value || null)}>
            <option value="">All channels</option>
            {channels.map((channel) => (
              <option key={channel.id} value={channel.id}>
                {channel.name === channelTypeLabel(channel.type) ? channel.name : `${channel.name} (${channelTypeLabel(channel.type)})`}
              </option>
            ))}
          </Select>
        </div>
      </div>

      <div className={cn("min-h-0 flex-1 overflow-y-auto transition-opacity", state.isPlaceholderData && "opacity-60")} aria-busy={state.isPlaceholderData || undefined}>
        <div className={cn((state.isPending || state.error) && "p-4")}>
          <QueryStatus isPending={state.isPending} error={state.error} what="conversations" onRetry={state.onRetry} />
        </div>

        {conversations?.length === 0 ? (
          isFiltered ? (
            <p className="px-4 py-10 text-center text-sm text-slate-500">
              No {status === "open" ? "open" : STATUS_LABELS[status].toLowerCase()} conversations{channelId ? " on this channel" : ""}.
            </p>
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
                onSelect={onSelect}
              />
            ))}
          </ul>
        ) : null}

        {state.hasNextPage && !state.isPlaceholderData ? (
          <div className="flex justify-center border-t border-slate-100 p-3">
            <Button size="sm" variant="secondary" isPending={state.isFetchingNextPage} onClick={state.onLoadMore}>
              Load more
            </Button>
          </div>
        ) : null}
      </div>
    </section>
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
