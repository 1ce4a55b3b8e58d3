import "server-only";
import type { SqlClient } from "@/lib/db/pg";
import type { ChannelKind } from "@/lib/channels/types";

// When each automated message to one person may go out (the send job's startAfter).
//
// 1. Order: send jobs are fetched by (created_on, random id) and several run at once, so two
//    messages queued together could go out in either order. Consecutive bot messages to one
//    conversation are spaced ORDER_GAP_MS apart, so normally the first is sent before the next one
//    becomes due; under a backlog or a retry the send job keeps the order itself (it waits for the
//    conversation's earlier pending automated message: lib/jobs/handlers/send-message.ts).
// 2. WhatsApp's pair rate limit: a business number may send one message every 6 seconds to the
//    same user; short bursts are tolerated but "borrow" from later (a burst of 20 means ~2
//    minutes of silence), and going over fails with error 131056 "(Business Account, Consumer
//    Account) pair rate limit hit". Sources: Meta's WhatsApp Cloud API throughput / pair rate
//    limit documentation and its error code reference (developers.facebook.com/docs/whatsapp/
//    cloud-api/overview, …/support/error-codes), as summarised in
//    dualhook.com/docs/capacity-quality-limits ("1 message every 6 seconds … up to 45 messages
//    in a 6-second burst"). We pace with GCRA (a leaky bucket): one message per PAIR_INTERVAL_MS
//    sustained, PAIR_BURST at once, far under Meta's burst allowance.
//
// Nothing extra is stored: a paced message's createdAt is the time it is due (see
// send-automated-message.ts), and placing those times again with the same rules gives them back
// unchanged, so the conversation's recent automated messages rebuild the schedule exactly.

export const ORDER_GAP_MS = 1000;
export const PAIR_INTERVAL_MS = 6000;
export const PAIR_BURST = 10;
/** How far back earlier automated messages can still push the schedule. */
export const PACER_LOOKBACK_MS = 60 * 60 * 1000;
const LOOKBACK_MESSAGES = 200;

const WHATSAPP: ReadonlySet<ChannelKind> = new Set(["whatsapp_cloud", "twilio_whatsapp"]);

export type Pacer = {
  /** The time the next message queued now may be sent (now when nothing holds it back). */
  next(): Date;
};

export type CreatePacerOptions = { client: SqlClient; conversationId: string; channelType: ChannelKind; now: Date };

/**
 * A pacer for one conversation within one transaction: reads the recent automated messages once,
 * then hands out increasing send times. `now` must be the transaction's clock (what createdAt of
 * the messages queued in it will say).
 */
export async function createPacer({ client, conversationId, channelType, now }: CreatePacerOptions): Promise<Pacer> {
  const { rows } = await client.query<{ createdAt: Date }>(
    `SELECT "createdAt" AT TIME ZONE 'UTC' AS "createdAt" FROM (${recentAutomatedSql("$1", "$2::timestamptz AT TIME ZONE 'UTC'")}) recent ORDER BY "createdAt" ASC`,
    [conversationId, new Date(now.getTime() - PACER_LOOKBACK_MS).toISOString()],
  );
  return pacerFromRecent({ recent: rows.map((row) => row.createdAt), channelType, now });
}

/**
 * The conversation's recent automated messages (createdAt, newest first) that can still push the
 * schedule, for a query that reads them with other things: `conversation` and `since` are SQL
 * expressions (the conversation id; now minus PACER_LOOKBACK_MS as a timestamp).
 */
export function recentAutomatedSql(conversation: string, since: string): string {
  return `SELECT "createdAt" FROM "Message"
     WHERE "conversationId" = ${conversation} AND direction = 'outbound' AND "isAutoReply" AND "createdAt" > ${since}
     ORDER BY "createdAt" DESC LIMIT ${LOOKBACK_MESSAGES}`;
}

/** A pacer from the conversation's recent automated send times (any order), read in the same transaction. */
export function pacerFromRecent({ recent, channelType, now }: { recent: Date[]; channelType: ChannelKind; now: Date }): Pacer {
  const schedule = new PairSchedule(WHATSAPP.has(channelType));
  for (const at of [...recent].sort((a, b) => a.getTime() - b.getTime())) schedule.place(at.getTime());
  return { next: () => new Date(schedule.place(now.getTime())) };
}

/** GCRA ("virtual scheduling") plus the ordering gap; place() returns when a message queued at `at` goes out. */
class PairSchedule {
  private theoreticalArrival = Number.NEGATIVE_INFINITY;
  private last = Number.NEGATIVE_INFINITY;

  constructor(private readonly pairLimited: boolean) {}

  place(at: number): number {
    const tolerance = (PAIR_BURST - 1) * PAIR_INTERVAL_MS;
    let send = Math.max(at, this.last + ORDER_GAP_MS);
    if (this.pairLimited) {
      send = Math.max(send, this.theoreticalArrival - tolerance);
      this.theoreticalArrival = Math.max(this.theoreticalArrival, send) + PAIR_INTERVAL_MS;
    }
    this.last = send;
    return send;
  }
}
