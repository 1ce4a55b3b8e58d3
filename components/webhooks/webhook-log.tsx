"use client";

import { useId, useState } from "react";
import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { webhookEventStatuses, webhookEventsQuery, type WebhookEventStatus } from "@/lib/webhooks/queries";
import { QueryStatus } from "@/components/settings/query-status";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { statusLabels } from "./webhook-labels";
import { WebhookEventRow, WEBHOOK_ROW_GRID } from "./webhook-event-row";

/** The log follows new deliveries and retries. */
const POLL_MS = 5000;

export type WebhookLogProps = { slug: string };

/** Settings → Webhook log: every delivery of the workspace, filterable by status, replayable. */
export function WebhookLog({ slug }: WebhookLogProps) {
  const [status, setStatus] = useState<WebhookEventStatus | null>(null);
  const listId = useId();
  const events = useInfiniteQuery({
    ...webhookEventsQuery({ slug, status }),
    refetchInterval: POLL_MS,
    // Switching filters keeps the previous rows (dimmed) and counts until the new ones arrive.
    placeholderData: keepPreviousData,
    meta: { showsErrorInline: true },
  });
  const counts = events.data?.pages[0]?.counts ?? {};
  const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
  const rows = events.data?.pages.flatMap((page) => page.events) ?? [];
  const filters: Array<{ value: WebhookEventStatus | null; label: string; count: number }> = [
    { value: null, label: "All", count: total },
    ...webhookEventStatuses.map((value) => ({ value, label: statusLabels[value], count: counts[value] ?? 0 })),
  ];

  return (
    <Card title="Webhook log" description="Every delivery from Instagram, WhatsApp, Twilio and the Sandbox, as received. Open one to see its payload or replay it.">
      <div role="group" aria-label="Filter by status" aria-controls={listId} className="mb-4 flex flex-wrap gap-2">
        {filters.map((filter) => {
          const isActive = filter.value === status;
          return (
            <button
              key={filter.label}
              type="button"
              aria-pressed={isActive}
              onClick={() => setStatus(filter.value)}
              className={cn(
                "inline-flex h-8 shrink-0 items-center gap-1.5 rounded-full px-3 text-sm font-medium whitespace-nowrap transition-colors",
                "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-500",
                isActive ? "bg-brand-600 text-white" : "bg-slate-100 text-slate-700 hover:bg-slate-200",
              )}
            >
              {filter.label}
              <span className={cn("rounded-full px-1.5 text-xs tabular-nums", isActive ? "bg-white/20" : "bg-white text-slate-600")}>{filter.count}</span>
            </button>
          );
        })}
      </div>

      <QueryStatus isPending={events.isPending} error={events.error} what="the webhook log" onRetry={() => void events.refetch()} />

      {events.data && rows.length === 0 ? (
        <p className="py-6 text-center text-sm text-slate-500">
          {status ? `No ${statusLabels[status].toLowerCase()} deliveries.` : "No deliveries yet. Send a message from the Sandbox to see one arrive."}
        </p>
      ) : null}

      {rows.length ? (
        <div className={cn("-mx-5 transition-opacity", events.isPlaceholderData && "opacity-60")} aria-busy={events.isPlaceholderData || undefined}>
          <div
            aria-hidden="true"
            className={cn(WEBHOOK_ROW_GRID, "hidden border-b border-slate-100 px-5 pb-2 text-xs font-medium tracking-wide text-slate-500 uppercase md:grid")}
          >
            <span>Received</span>
            <span>Provider</span>
            <span>Channel</span>
            <span>Status</span>
            <span className="text-right">Attempts</span>
            <span className="text-right">Events</span>
            <span />
          </div>
          <ul id={listId} aria-label="Webhook deliveries" className="divide-y divide-slate-100">
            {rows.map((event) => (
              <WebhookEventRow key={event.id} slug={slug} event={event} />
            ))}
          </ul>
        </div>
      ) : null}

      {events.hasNextPage && !events.isPlaceholderData ? (
        <div className="mt-4 flex justify-center">
          <Button variant="secondary" isPending={events.isFetchingNextPage} onClick={() => void events.fetchNextPage()}>
            Load more
          </Button>
        </div>
      ) : null}
    </Card>
  );
}
