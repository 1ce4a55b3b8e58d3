import { infiniteQueryOptions } from "@tanstack/react-query";
import { z } from "zod";
import { fetchJson } from "@/lib/http/fetch-json";

// Client-safe query factories for Settings → Webhook log. No server imports here.

export const webhookEventStatuses = ["processed", "failed", "ignored", "pending"] as const;
export type WebhookEventStatus = (typeof webhookEventStatuses)[number];

/** Query keys: everything about one workspace's webhook log sits under ["webhooks", slug, "events"]. */
export const webhookKeys = {
  events: (slug: string) => ["webhooks", slug, "events"] as const,
  list: (slug: string, status: WebhookEventStatus | null) => ["webhooks", slug, "events", { status }] as const,
};

const webhookEventSchema = z.object({
  id: z.string(),
  provider: z.string(),
  status: z.enum(webhookEventStatuses),
  attempts: z.number(),
  eventCount: z.number(),
  /** Parts of the delivery that were not understood or not routable. */
  ignored: z.array(z.object({ reason: z.string(), path: z.string().optional() })).nullable().catch(null),
  lastError: z.string().nullable(),
  receivedAt: z.coerce.date(),
  processedAt: z.coerce.date().nullable(),
  /** The raw delivery (JSON or form-encoded), cut at 20,000 characters by the server. */
  body: z.string(),
  channel: z.object({ id: z.string(), name: z.string(), type: z.string() }).nullable(),
});
export type WebhookEvent = z.infer<typeof webhookEventSchema>;

const webhookEventsPageSchema = z.object({
  events: z.array(webhookEventSchema),
  nextCursor: z.string().nullable(),
  /** Per status over the whole log, whatever the filter. */
  counts: z.record(z.string(), z.number()),
});

const PAGE_SIZE = 25;

export type WebhookEventsQueryOptions = { slug: string; status: WebhookEventStatus | null };

/** The log, newest first, as an infinite query paged with `nextCursor`. */
export function webhookEventsQuery({ slug, status }: WebhookEventsQueryOptions) {
  return infiniteQueryOptions({
    queryKey: webhookKeys.list(slug, status),
    initialPageParam: null as string | null,
    queryFn: ({ signal, pageParam }) => {
      const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
      if (status) params.set("status", status);
      if (pageParam) params.set("cursor", pageParam);
      return fetchJson(`/api/webhook-events?${params}`, { signal, headers: { "X-Workspace": slug }, schema: webhookEventsPageSchema });
    },
    getNextPageParam: (lastPage) => lastPage.nextCursor,
  });
}

/** Mutation requests, so components never build URLs themselves. */
export const webhookApi = {
  /** Queues the delivery for processing again; idempotent on the server. */
  replayEvent: ({ slug, id }: { slug: string; id: string }) =>
    fetchJson(`/api/webhook-events/${encodeURIComponent(id)}/replay`, { method: "POST", headers: { "X-Workspace": slug } }),
};
