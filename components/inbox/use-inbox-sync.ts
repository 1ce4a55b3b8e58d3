"use client";

import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";
import { hashKey, useQueryClient, type InfiniteData, type QueryClient } from "@tanstack/react-query";
import { FetchError } from "@/lib/http/fetch-json";
import {
  fetchInboxChanges,
  inboxKeys,
  type Conversation,
  type ConversationFilters,
  type ConversationsPage,
  type InboxChanges,
  type MessagesPage,
} from "@/lib/inbox/queries";
import { mergeConversationChanges, mergeMessages } from "./merge-changes";
import { describeConnection, nextPollDelay, pickSince, type ConnectionState, type SyncMark, type SyncSource } from "./sync-timing";

export type UseInboxSyncOptions = {
  slug: string;
  filters: ConversationFilters;
  /** The open conversation: its new messages and status changes come with each poll. */
  conversationId: string | null;
};

export type InboxSync = {
  connection: ConnectionState;
  /** The manual refresh: refetches the list, the thread, the counts and the panels. */
  refreshAll: () => Promise<void>;
  isRefreshing: boolean;
  /** Polls at once (after a change the viewer made: its effects on the list come back as a delta). */
  pollNow: () => void;
};

/**
 * Keeps the cached list and the open thread current by polling GET /api/inbox/changes every
 * 3 s with the cursor the data is complete up to: a 304 only moves the cursor on, a 200 is
 * merged into the caches (merge-changes.ts). Never refetches the list on a tick. Pauses while
 * the tab is hidden, backs off on errors (3 → 6 → 12 → 24 → 30 s) and says so.
 */
export function useInboxSync({ slug, filters, conversationId }: UseInboxSyncOptions): InboxSync {
  const queryClient = useQueryClient();
  const [failures, setFailures] = useState(0);
  const isOnline = useSyncExternalStore(subscribeToOnline, () => navigator.onLine, () => true);
  const [isRefreshing, setIsRefreshing] = useState(false);
  // Per cached query: the cursor the poll brought it up to (see pickSince).
  const marksRef = useRef(new Map<string, SyncMark>());
  const pollNowRef = useRef<() => void>(() => {});
  const filtersKey = hashKey([filters]);

  useEffect(() => {
    const scopeFilters: ConversationFilters = JSON.parse(filtersKey)[0];
    let failureCount = 0;
    let timer: number | undefined;
    let controller: AbortController | null = null;
    let isStopped = false;

    const schedule = (delay: number) => {
      window.clearTimeout(timer);
      if (!isStopped && document.visibilityState !== "hidden") timer = window.setTimeout(() => void tick(), delay);
    };

    async function tick() {
      if (isStopped || controller) return;
      const scope = readScope({ queryClient, slug, filters: scopeFilters, conversationId });
      const since = scope ? pickSince(scope.sources, marksRef.current) : null;
      if (!scope || !since) {
        // The list (or the thread) is still loading: its own fetch is current.
        schedule(nextPollDelay(failureCount));
        return;
      }
      const mine = new AbortController();
      controller = mine;
      try {
        const result = await fetchInboxChanges({
          slug,
          since,
          filters: scopeFilters,
          conversationId: scope.threadKey ? conversationId : null,
          signal: mine.signal,
        });
        if (isStopped) return;
        if (result.changed) applyChanges({ queryClient, slug, filters: scopeFilters, conversationId: scope.threadKey ? conversationId : null, changes: result });
        for (const key of [scope.listKey, scope.threadKey]) {
          if (!key) continue;
          const updatedAt = queryClient.getQueryState(key)?.dataUpdatedAt ?? 0;
          marksRef.current.set(hashKey(key), { cursor: result.syncCursor, updatedAt });
        }
        failureCount = 0;
      } catch (error) {
        if (isStopped || (error instanceof DOMException && error.name === "AbortError")) return;
        if (error instanceof FetchError && error.status === 409) {
          // Too much changed since the cursor (a long sleep): reload instead of merging.
          void queryClient.invalidateQueries({ queryKey: inboxKeys.all(slug) });
          failureCount = 0;
        } else failureCount += 1;
      } finally {
        if (controller === mine) controller = null;
      }
      setFailures(failureCount);
      schedule(nextPollDelay(failureCount));
    }

    const pollNow = () => {
      controller?.abort();
      controller = null;
      window.clearTimeout(timer);
      void tick();
    };
    pollNowRef.current = pollNow;

    const onVisibility = () => {
      if (document.visibilityState === "hidden") {
        // A hidden tab asks nothing; it catches up at once when shown again.
        window.clearTimeout(timer);
      } else pollNow();
    };
    const onOnline = () => pollNow();

    document.addEventListener("visibilitychange", onVisibility);
    window.addEventListener("online", onOnline);
    // The scope just changed (filters, open conversation): catch up right away.
    schedule(0);
    return () => {
      isStopped = true;
      controller?.abort();
      window.clearTimeout(timer);
      document.removeEventListener("visibilitychange", onVisibility);
      window.removeEventListener("online", onOnline);
    };
  }, [queryClient, slug, filtersKey, conversationId]);

  const refreshAll = useCallback(async () => {
    setIsRefreshing(true);
    try {
      await queryClient.invalidateQueries({ queryKey: inboxKeys.all(slug) });
    } finally {
      setIsRefreshing(false);
      pollNowRef.current();
    }
  }, [queryClient, slug]);

  const pollNow = useCallback(() => pollNowRef.current(), []);
  return { connection: describeConnection({ failures, isOnline }), refreshAll, isRefreshing, pollNow };
}

function subscribeToOnline(onChange: () => void): () => void {
  window.addEventListener("online", onChange);
  window.addEventListener("offline", onChange);
  return () => {
    window.removeEventListener("online", onChange);
    window.removeEventListener("offline", onChange);
  };
}

type Scope = {
  sources: SyncSource[];
  listKey: readonly unknown[];
  /** The open thread's key, when its messages are loaded (else its own fetch brings them). */
  threadKey: readonly unknown[] | null;
};

function readScope({ queryClient, slug, filters, conversationId }: { queryClient: QueryClient; slug: string; filters: ConversationFilters; conversationId: string | null }): Scope | null {
  const listKey = inboxKeys.conversations(slug, filters);
  const listState = queryClient.getQueryState<InfiniteData<ConversationsPage>>(listKey);
  const firstPage = listState?.data?.pages[0];
  if (!listState || !firstPage || listState.status !== "success") return null;
  const sources: SyncSource[] = [{ key: hashKey(listKey), dataCursor: firstPage.syncCursor, updatedAt: listState.dataUpdatedAt }];

  let threadKey: readonly unknown[] | null = null;
  if (conversationId) {
    const key = inboxKeys.messages(slug, conversationId);
    const state = queryClient.getQueryState<InfiniteData<MessagesPage>>(key);
    const page = state?.data?.pages[0];
    if (state && page && state.status === "success") {
      threadKey = key;
      sources.push({ key: hashKey(key), dataCursor: page.syncCursor, updatedAt: state.dataUpdatedAt });
    }
  }
  return { sources, listKey, threadKey };
}

type ApplyChangesOptions = { queryClient: QueryClient; slug: string; filters: ConversationFilters; conversationId: string | null; changes: InboxChanges };

/** Writes one delta into the caches: the list, each conversation's summary, the open thread, the counts. */
function applyChanges({ queryClient, slug, filters, conversationId, changes }: ApplyChangesOptions) {
  const { conversations, removed, messages } = changes;
  if (conversations.length || removed.length) {
    queryClient.setQueryData<InfiniteData<ConversationsPage>>(inboxKeys.conversations(slug, filters), (data) =>
      data ? mergeConversationChanges(data, { conversations, removed, canInsert: !filters.q.trim() }) : data,
    );
    for (const conversation of conversations) setConversationSummary({ queryClient, slug, conversation });
    // Something moved: the badges may be off (they are also revalidated every 10 s).
    void queryClient.invalidateQueries({ queryKey: inboxKeys.counts(slug), exact: true });
  }
  if (conversationId && messages.length) {
    const own = messages.filter((message) => message.conversationId === conversationId);
    queryClient.setQueryData<InfiniteData<MessagesPage>>(inboxKeys.messages(slug, conversationId), (data) => (data ? mergeMessages(data, own) : data));
    // The open conversation may sit outside the list's filter: its header (window, unread) is then refetched.
    if (!conversations.some((conversation) => conversation.id === conversationId)) {
      void queryClient.invalidateQueries({ queryKey: inboxKeys.conversation(slug, conversationId), exact: true });
    }
  }
}

/** Updates the cached summary of one conversation (the pane's header), when it is cached. */
export function setConversationSummary({ queryClient, slug, conversation }: { queryClient: QueryClient; slug: string; conversation: Conversation }) {
  queryClient.setQueryData<{ conversation: Conversation }>(inboxKeys.conversation(slug, conversation.id), (data) => (data ? { conversation } : data));
}
