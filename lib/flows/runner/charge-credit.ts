import "server-only";
import { randomUUID } from "node:crypto";
import type { SqlClient } from "@/lib/db/pg";
import type { RunContext } from "./runner-types";

export type ChargeCreditOptions = {
  client: SqlClient;
  workspaceId: string;
  /** The automated message's idempotency key: one charge per message, whatever retries happen. */
  refKey: string;
  reason?: string;
};

export type ChargeResult = { charged: true; balance: number } | { charged: false; reason: "no_credits" | "already_charged" };

/**
 * Takes one credit for an automated DM, in the caller's transaction (with the message it pays
 * for): Workspace.credits goes down by one and a CreditLedger row records it, both or neither.
 * Refuses at zero. Idempotent by `refKey` (the ledger's unique key): a second charge for the
 * same message takes nothing. The Workspace row stays locked until the transaction ends, which
 * serialises concurrent charges of one workspace and keeps the balance exact.
 */
export async function chargeCredit({ client, workspaceId, refKey, reason = "automated_dm" }: ChargeCreditOptions): Promise<ChargeResult> {
  const { rows } = await client.query<{ balanceAfter: number }>(
    `WITH charged AS (
       UPDATE "Workspace" SET credits = credits - 1
        WHERE id = $1 AND credits > 0
          AND NOT EXISTS (SELECT 1 FROM "CreditLedger" WHERE "workspaceId" = $1 AND "refKey" = $2)
        RETURNING credits
     )
     INSERT INTO "CreditLedger" (id, "workspaceId", delta, "balanceAfter", reason, "refKey", "createdAt")
     SELECT $3, $1, -1, credits, $4, $2, timezone('UTC', now()) FROM charged
     RETURNING "balanceAfter"`,
    [workspaceId, refKey, randomUUID(), reason],
  );
  if (rows[0]) return { charged: true, balance: rows[0].balanceAfter };
  const existing = await client.query(`SELECT 1 FROM "CreditLedger" WHERE "workspaceId" = $1 AND "refKey" = $2`, [workspaceId, refKey]);
  return { charged: false, reason: existing.rowCount ? "already_charged" : "no_credits" };
}

/**
 * Reserves one credit for an automated DM of this run: checks the balance read at the start of
 * the run (minus what the run reserved so far) and records the charge, which settleRun() makes
 * at the end of the transaction. False when the workspace has no credits left for it.
 */
export function reserveCredit(ctx: RunContext, refKey: string): boolean {
  if (ctx.workspace.credits <= 0) return false;
  ctx.workspace.credits -= 1;
  ctx.deferred.charges.push(refKey);
  return true;
}

/** Thrown when concurrent runs spent the credits this run counted on: the job retries and sees the new balance. */
export class CreditsChangedError extends Error {
  constructor() {
    super("The workspace's credits ran out while this automation ran; retrying with the new balance");
  }
}

/**
 * The run's deferred writes to shared rows, as the LAST statements of its transaction (see
 * RunContext.deferred): FlowBlockStat counters (sorted, so concurrent runs lock them in one order),
 * then the reserved credits — one ledger row each (idempotent by refKey: a charge already made
 * is not made again) and Workspace.credits down by their number, refused below zero. When
 * concurrent runs took the credits this run counted on, throws CreditsChangedError: the whole
 * transaction rolls back (messages included) and the job runs again with the real balance.
 */
export async function settleRun(ctx: RunContext): Promise<void> {
  const { client, deferred } = ctx;
  if (deferred.stats.size > 0) {
    const stats = [...deferred.stats.values()].sort((a, b) => (a.versionId + a.blockId < b.versionId + b.blockId ? -1 : 1));
    deferred.stats.clear();
    await client.query(
      `INSERT INTO "FlowBlockStat" ("versionId", "blockId", entered)
       SELECT * FROM unnest($1::text[], $2::text[], $3::int[])
       ON CONFLICT ("versionId", "blockId") DO UPDATE SET entered = "FlowBlockStat".entered + EXCLUDED.entered`,
      [stats.map((stat) => stat.versionId), stats.map((stat) => stat.blockId), stats.map((stat) => stat.count)],
    );
  }
  if (deferred.charges.length === 0) return;
  const refKeys = [...new Set(deferred.charges)];
  deferred.charges.length = 0;
  const { rows } = await client.query<{ wanted: number; charged: number }>(
    `WITH wanted AS (
       SELECT k.ref, k.n FROM unnest($2::text[]) WITH ORDINALITY AS k(ref, n)
        WHERE NOT EXISTS (SELECT 1 FROM "CreditLedger" l WHERE l."workspaceId" = $1 AND l."refKey" = k.ref)
     ),
     total AS (SELECT count(*)::int AS n FROM wanted),
     charged AS (
       UPDATE "Workspace" w SET credits = w.credits - total.n FROM total
        WHERE w.id = $1 AND total.n > 0 AND w.credits >= total.n
        RETURNING w.credits
     ),
     ledger AS (
       INSERT INTO "CreditLedger" (id, "workspaceId", delta, "balanceAfter", reason, "refKey", "createdAt")
       SELECT gen_random_uuid()::text, $1, -1, charged.credits + (total.n - row_number() OVER (ORDER BY wanted.n))::int, 'automated_dm', wanted.ref, timezone('UTC', now())
         FROM wanted, charged, total
       RETURNING 1
     )
     SELECT (SELECT n FROM total) AS wanted, (SELECT count(*)::int FROM ledger) AS charged`,
    [ctx.workspace.id, refKeys],
  );
  const result = rows[0];
  if (result && result.wanted > 0 && result.charged < result.wanted) throw new CreditsChangedError();
}
