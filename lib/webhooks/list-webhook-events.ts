import "server-only";
import { z } from "zod";
import { prisma } from "@/lib/db/client";

export const listWebhookEventsQuerySchema = z.object({
  status: z.enum(["pending", "processed", "ignored", "failed"]).optional(),
  /** Id of the last event of the previous page (cursor pagination, newest first). */
  cursor: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

export type ListWebhookEventsOptions = { workspaceId: string; query: z.infer<typeof listWebhookEventsQuerySchema> };

/** The workspace's webhook deliveries, newest first, for Settings → Webhook log. */
export async function listWebhookEvents({ workspaceId, query }: ListWebhookEventsOptions) {
  const rows = await prisma.webhookEvent.findMany({
    where: { workspaceId, ...(query.status ? { status: query.status } : {}) },
    orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
    take: query.limit + 1,
    ...(query.cursor ? { cursor: { id: query.cursor }, skip: 1 } : {}),
    select: {
      id: true, provider: true, status: true, attempts: true, eventCount: true, ignored: true, lastError: true,
      receivedAt: true, processedAt: true, body: true, channel: { select: { id: true, name: true, type: true } },
    },
  });
  const hasMore = rows.length > query.limit;
  const events = rows.slice(0, query.limit).map(({ body, ...event }) => ({
    ...event,
    // The payload is the provider's message data (no secrets: signatures are never stored).
    body: body.length > 20_000 ? `${body.slice(0, 20_000)}…` : body,
  }));
  const counts = await prisma.webhookEvent.groupBy({ by: ["status"], where: { workspaceId }, _count: { _all: true } });
  return {
    events,
    nextCursor: hasMore ? events.at(-1)?.id ?? null : null,
    counts: Object.fromEntries(counts.map((c) => [c.status, c._count._all])),
  };
}
