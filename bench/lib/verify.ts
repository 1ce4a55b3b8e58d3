import type pg from "pg";

// After the load: was every acknowledged delivery really stored, and stored once?
// The check reads the wamid back out of each stored body (not a count of rows), so a row stored
// for the wrong request cannot hide a lost one.

export type StoredCheck = {
  acknowledged: number;
  stored: number;
  /** Acknowledged (2xx) but not in the database: must be 0. */
  lost: number;
  /** Rows whose wamid is stored more than once: must be 0. */
  duplicates: number;
  /** Stored but never acknowledged (timed out, or in flight when a phase ended): harmless, the provider would retry and the retry is deduplicated. */
  storedUnacknowledged: number;
  lostSample: string[];
};

const WAMID_SQL = `body::jsonb #>> '{entry,0,changes,0,value,messages,0,id}'`;

export type CheckStoredOptions = { pool: pg.Pool; table: "app" | "baseline"; channelIds?: string[]; acknowledged: string[] };

export async function checkStored({ pool, table, channelIds = [], acknowledged }: CheckStoredOptions): Promise<StoredCheck> {
  const { rows } =
    table === "app"
      ? await pool.query<{ wamid: string | null }>(`SELECT ${WAMID_SQL} AS wamid FROM "WebhookEvent" WHERE "channelId" = ANY($1)`, [channelIds])
      : await pool.query<{ wamid: string | null }>(`SELECT ${WAMID_SQL} AS wamid FROM bench_baseline_event`);
  const counts = new Map<string, number>();
  for (const { wamid } of rows) if (wamid) counts.set(wamid, (counts.get(wamid) ?? 0) + 1);
  let duplicates = 0;
  for (const count of counts.values()) if (count > 1) duplicates += count - 1;
  const acked = new Set(acknowledged);
  const lostIds = [...acked].filter((wamid) => !counts.has(wamid));
  let storedUnacknowledged = 0;
  for (const wamid of counts.keys()) if (!acked.has(wamid)) storedUnacknowledged++;
  return {
    acknowledged: acked.size,
    stored: rows.length,
    lost: lostIds.length,
    duplicates: duplicates + (acknowledged.length - acked.size),
    storedUnacknowledged,
    lostSample: lostIds.slice(0, 5),
  };
}

export type ProcessedCheck = {
  events: number;
  processed: number;
  pending: number;
  failed: number;
  ignored: number;
  /** Acknowledged wamids with no Message row after the backlog drained. */
  withoutMessage: number;
  /** (channelId, externalId) pairs stored more than once: the unique index makes this 0. */
  duplicateMessages: number;
};

export async function checkProcessed(pool: pg.Pool, channelIds: string[], acknowledged: string[]): Promise<ProcessedCheck> {
  const status = await pool.query<{ status: string; count: string }>(
    `SELECT status::text, count(*)::text AS count FROM "WebhookEvent" WHERE "channelId" = ANY($1) GROUP BY status`,
    [channelIds],
  );
  const by = Object.fromEntries(status.rows.map((row) => [row.status, Number(row.count)]));
  const messages = await pool.query<{ externalId: string }>(`SELECT "externalId" FROM "Message" WHERE "channelId" = ANY($1) AND direction = 'inbound'`, [channelIds]);
  const seen = new Map<string, number>();
  for (const { externalId } of messages.rows) seen.set(externalId, (seen.get(externalId) ?? 0) + 1);
  let duplicateMessages = 0;
  for (const count of seen.values()) if (count > 1) duplicateMessages += count - 1;
  const withoutMessage = new Set(acknowledged.filter((wamid) => !seen.has(wamid))).size;
  return {
    events: Object.values(by).reduce((a, b) => a + b, 0),
    processed: by.processed ?? 0,
    pending: by.pending ?? 0,
    failed: by.failed ?? 0,
    ignored: by.ignored ?? 0,
    withoutMessage,
    duplicateMessages,
  };
}

/** Events of these channels still waiting for a worker. */
export async function countPending(pool: pg.Pool, channelIds: string | string[]): Promise<number> {
  const ids = Array.isArray(channelIds) ? channelIds : [channelIds];
  const { rows } = await pool.query<{ count: string }>(`SELECT count(*)::text AS count FROM "WebhookEvent" WHERE "channelId" = ANY($1) AND status = 'pending'`, [ids]);
  return Number(rows[0].count);
}

/**
 * Webhook jobs a worker fetched but never finished. pg-boss hands them out again only after the
 * queue's expireInSeconds, so a count left behind by a stopped server is a delay, not a loss.
 */
export async function countActiveJobs(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ count: string }>(`SELECT count(*)::text AS count FROM pgboss.job WHERE name = 'webhook-process' AND state = 'active'`);
  return Number(rows[0].count);
}
