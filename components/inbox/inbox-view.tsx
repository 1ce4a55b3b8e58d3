"use client";

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { usePathname, useSearchParams } from "next/navigation";
import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import {
  conversationQuery,
  conversationSchema,
  conversationStatuses,
  conversationsQuery,
  countsQuery,
  type AssigneeFilter,
  type Conversation,
  type ConversationFilters,
  type ConversationStatus,
} from "@/lib/inbox/queries";
import { PageHeader } from "@/components/layout/page-header";
import { cn } from "@/components/ui/cn";
import { InboxIcon } from "@/components/ui/icons";
import { ContactPanel } from "./contact-panel";
import { ConversationList, type InboxChannel } from "./conversation-list";
import { ConversationPane } from "./conversation-pane";
import { flattenConversations } from "./merge-changes";
import { useInboxSync } from "./use-inbox-sync";
import { useNow } from "./use-now";

/** Search results are refetched this often (the delta poll cannot tell what matches a search). */
const SEARCH_REFRESH_MS = 3_000;
/** The filter badges are revalidated this often (304 when unchanged), and after every change seen. */
const COUNTS_REFRESH_MS = 10_000;
/** Typing pauses this long before the search runs. */
const SEARCH_DEBOUNCE_MS = 300;
/** Tailwind's `lg`: from here the list and the thread show side by side. */
const TWO_PANES_QUERY = "(min-width: 64rem)";
/** The panes fill the viewport under the page header from `lg`, each scrolling on its own. */
const PANE_HEIGHT = "lg:h-[calc(100vh-13rem)] lg:min-h-[28rem]";

export type InboxViewProps = {
  slug: string;
  channels: InboxChannel[];
  /** The conversation named by ?c= when the page loaded (it may not be on the list's first page). */
  initialSelected: unknown;
  currentUser: { id: string; name: string };
  /** Owners, admins and agents act and reply; marketers read. */
  canWrite: boolean;
};

/**
 * The inbox: conversations (left), the selected one's thread and composer (middle) and its
 * contact (right, from `xl`; in the thread's place below). On phones one column at a time.
 * Filters, search and selection live in the URL (?status=&channel=&assignee=&unread=1&q=&c=),
 * so a reload or a shared link opens the same view. Kept live by useInboxSync (delta polls).
 */
export function InboxView({ slug, channels, initialSelected, currentUser, canWrite }: InboxViewProps) {
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const channelParam = searchParams.get("channel");
  const q = searchParams.get("q")?.trim() ?? "";
  const filters: ConversationFilters = useMemo(
    () => ({
      status: parseStatus(searchParams.get("status")),
      channelId: channels.some((channel) => channel.id === channelParam) ? channelParam : null,
      assignee: parseAssignee(searchParams.get("assignee")),
      unread: searchParams.get("unread") === "1",
      q,
    }),
    [searchParams, channels, channelParam, q],
  );
  const selectedId = searchParams.get("c");

  const query = useInfiniteQuery({
    ...conversationsQuery({ slug, filters }),
    refetchInterval: filters.q ? SEARCH_REFRESH_MS : false,
    // Switching filters keeps the previous rows (dimmed) until the new ones arrive.
    placeholderData: keepPreviousData,
    meta: { showsErrorInline: true },
  });
  const { fetchNextPage } = query;
  const loadMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);
  const counts = useQuery({ ...countsQuery(slug), refetchInterval: COUNTS_REFRESH_MS, meta: { showsErrorInline: true } });
  const sync = useInboxSync({ slug, filters, conversationId: selectedId });
  // Never older than the data: a window opened by a message fetched just now reads "23 h left".
  const now = Math.max(useNow(), query.dataUpdatedAt);
  const conversations = useMemo(() => (query.data ? flattenConversations(query.data) : null), [query.data]);

  const initial = useMemo(() => {
    const parsed = conversationSchema.safeParse(initialSelected);
    return parsed.success ? parsed.data : null;
  }, [initialSelected]);
  const rowInList = selectedId ? (conversations?.find((conversation) => conversation.id === selectedId) ?? null) : null;
  const detail = useQuery({
    ...conversationQuery({ slug, conversationId: selectedId ?? "" }),
    enabled: Boolean(selectedId) && !rowInList,
    initialData: () => (initial && initial.id === selectedId ? { conversation: initial } : undefined),
    meta: { showsErrorInline: true },
  });
  const selected = rowInList ?? (selectedId && detail.data?.id === selectedId ? detail.data : null);

  const [searchText, setSearchText] = useState(q);
  const [shouldFocusPane, setShouldFocusPane] = useState(false);
  const [isContactOpen, setIsContactOpen] = useState(false);
  // True when the entry before this one in the browser history is this inbox without a selection.
  const hasPushedSelectionRef = useRef(false);

  function urlWith(changes: Record<string, string | null>) {
    const params = new URLSearchParams(searchParams.toString());
    for (const [name, value] of Object.entries(changes)) {
      if (value === null) params.delete(name);
      else params.set(name, value);
    }
    const search = params.toString();
    return search ? `${pathname}?${search}` : pathname;
  }

  // The search runs once typing pauses.
  useEffect(() => {
    const value = searchText.trim();
    if (value === q) return;
    const timer = window.setTimeout(() => {
      const params = new URLSearchParams(window.location.search);
      if (value) params.set("q", value);
      else params.delete("q");
      const search = params.toString();
      window.history.replaceState(null, "", search ? `${window.location.pathname}?${search}` : window.location.pathname);
    }, SEARCH_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [searchText, q]);

  // The native History API: Next keeps useSearchParams in sync without a server round trip.
  function onSelect(conversation: Conversation) {
    setIsContactOpen(false);
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
    setIsContactOpen(false);
    if (hasPushedSelectionRef.current) {
      hasPushedSelectionRef.current = false;
      window.history.back();
    } else {
      window.history.replaceState(null, "", urlWith({ c: null }));
    }
    // Back on the list, the keyboard continues from the conversation just read.
    window.setTimeout(() => document.querySelector<HTMLElement>(`[data-conversation-id="${CSS.escape(id ?? "")}"]`)?.focus(), 50);
  }

  function onFiltersChange(changes: Partial<Omit<ConversationFilters, "q">>) {
    const next = { ...filters, ...changes };
    window.history.replaceState(
      null,
      "",
      urlWith({
        status: next.status === "open" ? null : next.status,
        channel: next.channelId,
        assignee: next.assignee === "all" ? null : next.assignee,
        unread: next.unread ? "1" : null,
      }),
    );
  }

  return (
    <>
      <div className={cn(selectedId && "hidden lg:block")}>
        <PageHeader title="Inbox" description="Conversations from all your channels, in one place." />
      </div>
      <div className="grid gap-4 lg:grid-cols-[minmax(0,20rem)_minmax(0,1fr)] xl:grid-cols-[minmax(0,18rem)_minmax(0,1fr)_minmax(0,16rem)] 2xl:grid-cols-[minmax(0,20rem)_minmax(0,1fr)_minmax(0,18rem)]">
        <ConversationList
          slug={slug}
          channels={channels}
          filters={filters}
          searchText={searchText}
          counts={counts.data ?? null}
          conversations={conversations}
          now={now}
          currentUserId={currentUser.id}
          connection={sync.connection}
          isRefreshing={sync.isRefreshing}
          state={{
            isPending: query.isPending,
            error: query.error,
            isPlaceholderData: query.isPlaceholderData,
            hasNextPage: query.hasNextPage,
            isFetchingNextPage: query.isFetchingNextPage,
            onLoadMore: loadMore,
            onRetry: () => void query.refetch(),
          }}
          selectedId={selectedId}
          hrefFor={(id) => urlWith({ c: id })}
          onSelect={onSelect}
          onFiltersChange={onFiltersChange}
          onSearchTextChange={setSearchText}
          onRefresh={() => void sync.refreshAll()}
          className={cn(PANE_HEIGHT, selectedId && "hidden lg:flex")}
        />
        {selectedId ? (
          <>
            <ConversationPane
              slug={slug}
              conversationId={selectedId}
              conversation={selected}
              currentUser={currentUser}
              canWrite={canWrite}
              now={now}
              shouldFocus={shouldFocusPane}
              onBack={onBack}
              onShowContact={() => setIsContactOpen(true)}
              onChanged={sync.pollNow}
              onMarkedUnread={onBack}
              className={cn("h-[calc(100dvh-6.5rem)] min-h-[22rem]", PANE_HEIGHT, isContactOpen && "hidden xl:flex")}
            />
            {selected ? (
              <ContactPanel
                key={selected.id}
                slug={slug}
                conversation={selected}
                canWrite={canWrite}
                onBack={() => setIsContactOpen(false)}
                hrefFor={(id) => urlWith({ c: id })}
                className={cn("h-[calc(100dvh-6.5rem)] min-h-[22rem]", PANE_HEIGHT, !isContactOpen && "hidden xl:flex")}
              />
            ) : null}
          </>
        ) : (
          <NoSelection hasConversations={conversations === null || conversations.length > 0 || filters.status !== "open" || filters.channelId !== null} />
        )}
      </div>
    </>
  );
}

function NoSelection({ hasConversations }: { hasConversations: boolean }) {
  return (
    <div className={cn("hidden flex-col items-center justify-center rounded-xl border border-dashed border-slate-300 bg-white p-8 text-center lg:flex xl:col-span-2", PANE_HEIGHT)}>
      <div className="mb-4 flex size-12 items-center justify-center rounded-full bg-brand-50 text-brand-600">
        <InboxIcon className="size-6" />
      </div>
      <h2 className="text-lg font-semibold text-slate-900">{hasConversations ? "Select a conversation" : "Nothing to read yet"}</h2>
      <p className="mt-2 max-w-sm text-sm text-slate-600">
        {hasConversations
          ? "Its messages show here with their delivery status, and you can reply, assign it or add notes."
          : "Conversations show here as soon as a customer writes to one of your channels."}
      </p>
    </div>
  );
}

function parseStatus(value: string | null): ConversationStatus {
  return conversationStatuses.find((status) => status === value) ?? "open";
}

function parseAssignee(value: string | null): AssigneeFilter {
  return value === "me" || value === "unassigned" ? value : "all";
}
