"use client";

import { useMemo, useRef, useState } from "react";
import { usePathname, useSearchParams } from "next/navigation";
import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { conversationStatuses, conversationsQuery, type Conversation, type ConversationStatus } from "@/lib/inbox/queries";
import { PageHeader } from "@/components/layout/page-header";
import { cn } from "@/components/ui/cn";
import { InboxIcon } from "@/components/ui/icons";
import { ConversationList, type InboxChannel } from "./conversation-list";
import { ConversationPane } from "./conversation-pane";
import { useNow } from "./use-now";

/** The list follows new conversations, previews and unread counts. */
const POLL_MS = 3000;
/** Tailwind's `lg`: from here both panes show side by side. */
const TWO_PANES_QUERY = "(min-width: 64rem)";
/** Both panes fill the viewport under the page header from `lg`, each scrolling on its own. */
const PANE_HEIGHT = "lg:h-[calc(100vh-13rem)] lg:min-h-[28rem]";

export type InboxViewProps = {
  slug: string;
  channels: InboxChannel[];
  /** The conversation named by ?c= when the page loaded (it may not be on the list's first page). */
  initialSelected: Conversation | null;
};

/**
 * The inbox: conversations (left) and the selected one's thread (right); on phones one at a
 * time, list first. Selection and filters live in the URL (?c=, ?status=, ?channel=), so a
 * reload or a shared link opens the same view.
 */
export function InboxView({ slug, channels, initialSelected }: InboxViewProps) {
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const status = parseStatus(searchParams.get("status"));
  const channelParam = searchParams.get("channel");
  const channelId = channels.some((channel) => channel.id === channelParam) ? channelParam : null;
  const selectedId = searchParams.get("c");

  const query = useInfiniteQuery({
    ...conversationsQuery({ slug, status, channelId }),
    refetchInterval: POLL_MS,
    // Switching tabs or channels keeps the previous rows (dimmed) until the new ones arrive.
    placeholderData: keepPreviousData,
    meta: { showsErrorInline: true },
  });
  // Never older than the data: a window opened by a message fetched just now reads "23 h left".
  const now = Math.max(useNow(), query.dataUpdatedAt);
  // A conversation that moved between two pages while they were fetched would show twice.
  const conversations = useMemo(() => (query.data ? uniqueById(query.data.pages.flatMap((page) => page.conversations)) : null), [query.data]);

  // The row last clicked (or loaded with the page): still names the thread when the list does not show it.
  const [picked, setPicked] = useState<Conversation | null>(initialSelected);
  const [shouldFocusPane, setShouldFocusPane] = useState(false);
  // True when the entry before this one in the browser history is this inbox without a selection.
  const hasPushedSelectionRef = useRef(false);
  const selected = selectedId ? (conversations?.find((conversation) => conversation.id === selectedId) ?? (picked?.id === selectedId ? picked : null)) : null;

  function urlWith(changes: Record<string, string | null>) {
    const params = new URLSearchParams(searchParams.toString());
    for (const [name, value] of Object.entries(changes)) {
      if (value === null) params.delete(name);
      else params.set(name, value);
    }
    const search = params.toString();
    return search ? `${pathname}?${search}` : pathname;
  }

  // The native History API: Next keeps useSearchParams in sync without a server round trip.
  function onSelect(conversation: Conversation) {
    setPicked(conversation);
    if (conversation.id === selectedId) return;
    setShouldFocusPane(!window.matchMedia(TWO_PANES_QUERY).matches);
    if (selectedId) {
      window.history.replaceState(null, "", urlWith({ c: conversation.id }));
    } else {
      // Opening from the list adds a history entry, so the phone's back gesture returns to it.
      window.history.pushState(null, "", urlWith({ c: conversation.id }));
      hasPushedSelectionRef.current = true;
    }
  }

  function onBack() {
    const id = selectedId;
    if (hasPushedSelectionRef.current) {
      hasPushedSelectionRef.current = false;
      window.history.back();
    } else {
      window.history.replaceState(null, "", urlWith({ c: null }));
    }
    // Back on the list, the keyboard continues from the conversation just read.
    window.setTimeout(() => document.querySelector<HTMLElement>(`[data-conversation-id="${CSS.escape(id ?? "")}"]`)?.focus(), 50);
  }

  return (
    <>
      <div className={cn(selectedId && "hidden lg:block")}>
        <PageHeader title="Inbox" description="Conversations from all your channels, in one place." />
      </div>
      <div className="grid gap-4 lg:grid-cols-[minmax(0,22rem)_minmax(0,1fr)] lg:gap-6">
        <ConversationList
          slug={slug}
          channels={channels}
          status={status}
          channelId={channelId}
          conversations={conversations}
          now={now}
          state={{
            isPending: query.isPending,
            error: query.error,
            isPlaceholderData: query.isPlaceholderData,
            hasNextPage: query.hasNextPage,
            isFetchingNextPage: query.isFetchingNextPage,
            onLoadMore: () => void query.fetchNextPage(),
            onRetry: () => void query.refetch(),
          }}
          selectedId={selectedId}
          hrefFor={(id) => urlWith({ c: id })}
          onSelect={onSelect}
          onStatusChange={(value) => window.history.replaceState(null, "", urlWith({ status: value === "open" ? null : value }))}
          onChannelChange={(value) => window.history.replaceState(null, "", urlWith({ channel: value }))}
          className={cn(PANE_HEIGHT, selectedId && "hidden lg:flex")}
        />
        {selectedId ? (
          <ConversationPane
            slug={slug}
            conversationId={selectedId}
            conversation={selected}
            now={now}
            shouldFocus={shouldFocusPane}
            onBack={onBack}
            className={cn("h-[calc(100dvh-6.5rem)] min-h-[22rem]", PANE_HEIGHT)}
          />
        ) : (
          <NoSelection hasConversations={conversations === null || conversations.length > 0 || status !== "open" || channelId !== null} />
        )}
      </div>
    </>
  );
}

function NoSelection({ hasConversations }: { hasConversations: boolean }) {
  return (
    <div className={cn("hidden flex-col items-center justify-center rounded-xl border border-dashed border-slate-300 bg-white p-8 text-center lg:flex", PANE_HEIGHT)}>
      <div className="mb-4 flex size-12 items-center justify-center rounded-full bg-brand-50 text-brand-600">
        <InboxIcon className="size-6" />
      </div>
      <h2 className="text-lg font-semibold text-slate-900">{hasConversations ? "Select a conversation" : "Nothing to read yet"}</h2>
      <p className="mt-2 max-w-sm text-sm text-slate-600">
        {hasConversations
          ? "Its messages show here with their delivery status. Open a message's trace to follow each step it went through."
          : "Conversations show here as soon as a customer writes to one of your channels."}
      </p>
    </div>
  );
}

function parseStatus(value: string | null): ConversationStatus {
  return conversationStatuses.find((status) => status === value) ?? "open";
}

function uniqueById(conversations: Conversation[]): Conversation[] {
  const seen = new Set<string>();
  return conversations.filter((conversation) => !seen.has(conversation.id) && Boolean(seen.add(conversation.id)));
}
