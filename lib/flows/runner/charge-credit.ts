import "server-only";
import { randomUUID } from "node:crypto";
import { escapeSqlIntArray, escapeSqlText, escapeSqlTextArray, type SqlClient, type TransactionEnd } from "@/lib/db/pg";
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
 * The run's deferred writes, sent together with the COMMIT of its transaction: its sessions and
 * activity log (flushFlowRun), then the writes to shared rows
 * (TransactionEnd.commitWith, lib/db/pg.ts): FlowBlockStat counters, then the reserved credits
 * — one ledger row each (idempotent by refKey: a charge already made is not made again) and
 * Workspace.credits down by their number, refused below zero (the database function
 * switchboard_settle_flow_run, migration *_settle_flow_run). Every run of a workspace writes
 * these rows, so their locks must last as little as possible: the database runs the call and
 * the commit without waiting for this process in between. When concurrent runs took the credits
 * this run counted on, the commit fails with CreditsChangedError: the whole transaction rolls
 * back (messages included) and the job runs again with the real balance.
 */
export function settleRun(ctx: RunContext, end: TransactionEnd): void {
  const { deferred } = ctx;
  const stats = [...deferred.stats.values()];
  const refKeys = [...new Set(deferred.charges)];
  deferred.stats.clear();
  deferred.charges.length = 0;
  // The run's own held-back writes (sessions, activity log: flushFlowRun) go first.
  if (deferred.writes.length > 0) end.commitWith(deferred.writes.splice(0).join(";\n"));
  if (stats.length === 0 && refKeys.length === 0) return;
  end.commitWith(
    `SELECT "switchboard_settle_flow_run"(${escapeSqlText(ctx.workspace.id)}, ${escapeSqlTextArray(stats.map((stat) => stat.versionId))}, ` +
      `${escapeSqlTextArray(stats.map((stat) => stat.blockId))}, ${escapeSqlIntArray(stats.map((stat) => stat.count))}, ${escapeSqlTextArray(refKeys)})`,
    (error) => (isCreditsChanged(error) ? new CreditsChangedError() : (error as Error)),
  );
}

function isCreditsChanged(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "SB001";
}
