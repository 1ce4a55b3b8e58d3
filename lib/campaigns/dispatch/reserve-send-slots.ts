import "server-only";
import type { SqlClient } from "@/lib/db/pg";

// A channel's broadcast pace, shared by every dispatcher in every process: a leaky bucket whose
// state is one row (ChannelPace.nextSlotAt = the earliest free send time). Reserving n sends moves
// it by n / pace seconds in ONE atomic statement, so two campaigns or two workers on the same
// number never exceed the pace together; an idle channel's bucket restarts from now (no burst
// credit is saved up). Times are UTC wall time like every column.

export type ReserveSendSlotsOptions = { client: Pick<SqlClient, "query">; channelId: string; count: number; perSecond: number };

/** The send times of `count` messages, `1 / perSecond` apart, starting at the first free slot. */
export async function reserveSendSlots({ client, channelId, count, perSecond }: ReserveSendSlotsOptions): Promise<Date[]> {
  if (count <= 0) return [];
  const intervalMs = 1000 / perSecond;
  const { rows } = await client.query<{ end: Date }>(
    `INSERT INTO "ChannelPace" ("channelId", "nextSlotAt") VALUES ($1, timezone('UTC', now()) + $2::double precision * interval '1 millisecond')
     ON CONFLICT ("channelId") DO UPDATE
       SET "nextSlotAt" = greatest("ChannelPace"."nextSlotAt", timezone('UTC', now())) + $2::double precision * interval '1 millisecond'
     RETURNING "nextSlotAt" AT TIME ZONE 'UTC' AS "end"`,
    [channelId, count * intervalMs],
  );
  const first = rows[0].end.getTime() - count * intervalMs;
  return Array.from({ length: count }, (_, index) => new Date(Math.round(first + index * intervalMs)));
}

/** Provider codes that mean "the number/app is sending too fast" (not one person's pair limit). */
const THROUGHPUT_CODES = new Set(["130429", "4", "17", "32", "613", "80007", "20429"]);

export function isThroughputLimit(error: { code: string; httpStatus?: number }): boolean {
  return THROUGHPUT_CODES.has(error.code) || error.httpStatus === 429;
}

/**
 * Backs off every broadcast on the channel after the provider said it is sending too fast: the
 * shared bucket's next slot moves `seconds` past now (at most 5 minutes), so no dispatcher queues
 * anything before then. Messages already due are retried by their jobs with their own backoff.
 */
export async function slowDownChannel(client: Pick<SqlClient, "query">, channelId: string, seconds: number): Promise<void> {
  const delayMs = Math.min(Math.max(seconds, 1), 300) * 1000;
  await client.query(
    `INSERT INTO "ChannelPace" ("channelId", "nextSlotAt") VALUES ($1, timezone('UTC', now()) + $2::double precision * interval '1 millisecond')
     ON CONFLICT ("channelId") DO UPDATE
       SET "nextSlotAt" = greatest("ChannelPace"."nextSlotAt", timezone('UTC', now()) + $2::double precision * interval '1 millisecond')`,
    [channelId, delayMs],
  );
}
