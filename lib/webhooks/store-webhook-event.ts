import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { getPgPool, preparedQuery } from "@/lib/db/pg";
import { getBoss, getJobSchema } from "@/lib/jobs/boss";
import { queues } from "@/lib/jobs/queues";
import { wakeWorkersSoon } from "@/lib/jobs/wake-workers";
import type { WebhookProvider } from "@/lib/generated/prisma/enums";

export type StoreWebhookEventOptions = {
  provider: WebhookProvider;
  /** The endpoint's channel, when the URL names one (WhatsApp, Twilio, Sandbox). */
  channelId?: string;
  workspaceId?: string;
  /** Identifies the endpoint in the dedupe key (e.g. "twilio-status"). */
  endpoint: string;
  body: string;
  contentType: string;
  /** The request's: once aborted (the provider hung up), nothing is stored any more. */
  signal?: AbortSignal;
};

export type StoredWebhookEvent = { id: string | null; duplicate: boolean };

/**
 * Makes a delivery durable: the raw event row and its processing job are written by one SQL
 * statement (atomic on its own, one round trip), so the caller may acknowledge (2xx) only after
 * this resolves. An identical redelivery (same endpoint and bytes: a provider retry or replay) is
 * stored once and queues nothing. Throws when the database is unreachable: the caller answers
 * 503 and the provider retries.
 */
export async function storeWebhookEvent({ provider, channelId, workspaceId, endpoint, body, contentType, signal }: StoreWebhookEventOptions): Promise<StoredWebhookEvent> {
  const dedupeKey = createHash("sha256").update(`${provider}\n${endpoint}\n`).update(body).digest("hex");
  // pg-boss creates its queues when it starts: the job row below needs the queue's partition.
  await getBoss();
  const schema = getJobSchema();
  const values = [randomUUID(), provider, workspaceId ?? null, channelId ?? null, dedupeKey, body, contentType, queues.processWebhook.name];
  const client = await getPgPool().connect();
  try {
    // A provider that hung up while this request waited (for a connection, under load) was not
    // acknowledged and will retry: storing it now would only spend the database on requests
    // nobody waits for, and keep an overloaded server from catching up. (Throws an AbortError.)
    signal?.throwIfAborted();
    const { rows } = await client.query<{ id: string }>(preparedQuery(`store-webhook-event-${schema}`, insertEventAndJobSql(schema), values));
    if (!rows[0]) return { id: null, duplicate: true };
    wakeWorkersSoon([queues.processWebhook.name]);
    return { id: rows[0].id, duplicate: false };
  } finally {
    client.release();
  }
}

const statements = new Map<string, string>();

/**
 * The event INSERT and, only when it inserted a row, the job INSERT pg-boss's send() would make
 * (pg-boss 10's insertJob: the queue's retry, expiry, retention and dead-letter settings; a test
 * compares the two rows), as one statement: BEGIN, two INSERTs and COMMIT were four round trips
 * per delivery, the largest cost of the acknowledgement after HTTP itself. The job names its
 * queue directly (not through the join), so a missing queue fails the whole statement (no
 * partition for the row) instead of storing an event with no job.
 */
export function insertEventAndJobSql(schema: string): string {
  let sql = statements.get(schema);
  if (!sql) {
    sql = `
      WITH event AS (
        INSERT INTO "WebhookEvent" (id, provider, "workspaceId", "channelId", "dedupeKey", body, "contentType")
        VALUES ($1, $2::"WebhookProvider", $3, $4, $5, $6, $7)
        ON CONFLICT ("dedupeKey") DO NOTHING
        RETURNING id
      ), job AS (
        INSERT INTO ${schema}.job (id, name, data, priority, start_after, dead_letter, expire_in, keep_until, retry_limit, retry_delay, retry_backoff, policy)
        SELECT gen_random_uuid(), $8::text, jsonb_build_object('eventId', event.id), 0, now(), q.dead_letter,
          COALESCE(q.expire_seconds * interval '1s', interval '15 minutes'),
          now() + COALESCE((q.retention_minutes * 60)::text, '14 days')::interval,
          COALESCE(q.retry_limit, 2),
          CASE WHEN COALESCE(q.retry_backoff, false) THEN GREATEST(COALESCE(q.retry_delay, 0), 1) ELSE COALESCE(q.retry_delay, 0) END,
          COALESCE(q.retry_backoff, false),
          q.policy
        FROM event LEFT JOIN ${schema}.queue q ON q.name = $8::text
        RETURNING id
      )
      SELECT event.id FROM event, job`;
    statements.set(schema, sql);
  }
  return sql;
}
