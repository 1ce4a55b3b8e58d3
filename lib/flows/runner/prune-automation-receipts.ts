import "server-only";
import { getPgPool } from "@/lib/db/pg";

// AutomationReceipt rows make automations idempotent: `message:<id>` / `comment:<id>` (one run per
// stored inbound event) and `wake:<session>:<block>:<kind>:<at>` (one run per timer; a cancelled
// timer's receipt is claimed when it is cancelled, so its job finds it and does nothing). There is
// one per inbound message, so they are pruned — but only once nothing can still need them:
//
// - Replays never need an old receipt: a replayed webhook is deduplicated before automations (its
//   WebhookEvent dedupe key, then the Message / InstagramComment row, unique by provider id, is not
//   stored again), and only a NEWLY stored message or comment gets an automation job. Meta retries a
//   delivery for at most 7 days, well inside the retention anyway.
// - Jobs do: a receipt is needed while a job that would claim it can still run. A message or
//   comment job runs within minutes (retries with backoff, ~17 min at most) and pg-boss deletes any
//   job 14 days after its start time (queue retention default), so a receipt older than
//   MIN_RETENTION_DAYS (15) has no job left to guard against.
// - A timer's job runs at its `at` (a delay or question timeout: up to 30 days ahead): a `wake:`
//   receipt is kept until its `at` is also older than the retention, so a cancelled timer due in
//   30 days stays cancelled.
// - The runner's catch-up (earlier messages of a conversation still without a receipt are handled
//   first) looks back 10 minutes only.
//
// Deleted in bounded batches (BATCH_SIZE rows per statement, index on createdAt), at most
// MAX_BATCHES per run, each its own short statement: no long transaction or lock; what is left
// goes at the next run.

export const DEFAULT_RETENTION_DAYS = 30;
export const MIN_RETENTION_DAYS = 15;
const BATCH_SIZE = 5000;
const MAX_BATCHES = 40;

export type PruneAutomationReceiptsOptions = {
  /** Days a receipt is kept (AUTOMATION_RECEIPT_RETENTION_DAYS, default 30, at least 15). */
  retentionDays?: number;
  now?: Date;
  batchSize?: number;
  maxBatches?: number;
};

export type PruneResult = { deleted: number; batches: number; cutoff: string; retentionDays: number; complete: boolean };

/** Reads AUTOMATION_RECEIPT_RETENTION_DAYS; a value under the safe minimum is raised to it. */
export function receiptRetentionDays(raw = process.env.AUTOMATION_RECEIPT_RETENTION_DAYS): number {
  const value = raw === undefined || raw.trim() === "" ? DEFAULT_RETENTION_DAYS : Number(raw);
  if (!Number.isFinite(value)) return DEFAULT_RETENTION_DAYS;
  return Math.max(MIN_RETENTION_DAYS, value);
}

/**
 * Deletes the automation receipts older than the retention (see above for why that is safe),
 * oldest first, in bounded batches. Idempotent; returns how many went and whether any are left.
 */
export async function pruneAutomationReceipts(options: PruneAutomationReceiptsOptions = {}): Promise<PruneResult> {
  const retentionDays = Math.max(MIN_RETENTION_DAYS, options.retentionDays ?? receiptRetentionDays());
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  const batchSize = options.batchSize ?? BATCH_SIZE;
  const maxBatches = options.maxBatches ?? MAX_BATCHES;
  const pool = getPgPool();
  let deleted = 0;
  let batches = 0;
  let complete = false;
  while (batches < maxBatches) {
    batches++;
    // createdAt is UTC wall time (timestamp without time zone). A wake receipt's key ends with its
    // timer's ISO time: kept while that time is within the retention.
    const { rowCount } = await pool.query(
      `DELETE FROM "AutomationReceipt" r USING (
         SELECT "workspaceId", key FROM "AutomationReceipt"
          WHERE "createdAt" < $1::timestamptz AT TIME ZONE 'UTC'
            AND (key NOT LIKE 'wake:%' OR COALESCE(substring(key FROM '(\\d{4}-\\d{2}-\\d{2}T[0-9:.]+Z)$')::timestamptz < $1::timestamptz, false))
          ORDER BY "createdAt" LIMIT $2
       ) old
       WHERE r."workspaceId" = old."workspaceId" AND r.key = old.key`,
      [cutoff.toISOString(), batchSize],
    );
    deleted += rowCount ?? 0;
    if ((rowCount ?? 0) < batchSize) {
      complete = true;
      break;
    }
  }
  return { deleted, batches, cutoff: cutoff.toISOString(), retentionDays, complete };
}
