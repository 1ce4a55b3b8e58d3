import "server-only";
import { randomUUID } from "node:crypto";
import type { SqlClient } from "@/lib/db/pg";

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
