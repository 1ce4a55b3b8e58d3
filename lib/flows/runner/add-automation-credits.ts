import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { withPgTransaction } from "@/lib/db/pg";
import { AppError } from "@/lib/http/errors";

/** The balance is an Int column: keep it far from 2^31. */
const MAX_BALANCE = 1_000_000_000;

export const addAutomationCreditsSchema = z.strictObject({
  amount: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(1_000_000, "must be at most 1,000,000"),
  reason: z.string({ error: "is required" }).trim().min(1, "is required").max(200, "must be at most 200 characters"),
  /** Made by the form once per submission: a retried or double-clicked request adds the credits once. */
  requestId: z.string().trim().min(8).max(64).regex(/^[\w-]+$/, "must be letters, digits, - or _").optional(),
});

export type AddAutomationCreditsOptions = { workspaceId: string; input: z.infer<typeof addAutomationCreditsSchema> };

/** A manual top-up's ledger key; the ledger shows such rows as top-ups. */
export const TOP_UP_REF_PREFIX = "top_up:";

/**
 * Adds credits by hand (self-hosted workspaces have no billing): Workspace.credits goes up and a
 * CreditLedger row (reason = the owner's words, refKey `top_up:<requestId>`) records it, in one
 * transaction with the Workspace row locked, so concurrent charges and top-ups keep the balance
 * exact. Idempotent by `requestId`: the same request again returns the first row and adds
 * nothing. Throws AppError 422 when the balance would pass 1,000,000,000.
 */
export async function addAutomationCredits({ workspaceId, input }: AddAutomationCreditsOptions) {
  const refKey = `${TOP_UP_REF_PREFIX}${input.requestId ?? randomUUID()}`;
  return withPgTransaction(async (client) => {
    const locked = await client.query<{ credits: number }>(`SELECT credits FROM "Workspace" WHERE id = $1 FOR UPDATE`, [workspaceId]);
    const current = locked.rows[0];
    if (!current) throw new AppError({ code: "not_found", message: "Workspace not found" });
    const existing = await client.query<LedgerRow>(`SELECT ${LEDGER_COLUMNS} FROM "CreditLedger" WHERE "workspaceId" = $1 AND "refKey" = $2`, [workspaceId, refKey]);
    if (existing.rows[0]) return { balance: current.credits, entry: existing.rows[0] };
    if (current.credits + input.amount > MAX_BALANCE) {
      throw new AppError({ code: "unprocessable", message: "The balance cannot go above 1,000,000,000 credits", field: "amount" });
    }
    const updated = await client.query<{ credits: number }>(`UPDATE "Workspace" SET credits = credits + $2 WHERE id = $1 RETURNING credits`, [workspaceId, input.amount]);
    const balance = updated.rows[0].credits;
    const inserted = await client.query<LedgerRow>(
      `INSERT INTO "CreditLedger" (id, "workspaceId", delta, "balanceAfter", reason, "refKey", "createdAt")
       VALUES ($1, $2, $3, $4, $5, $6, timezone('UTC', now()))
       RETURNING ${LEDGER_COLUMNS}`,
      [randomUUID(), workspaceId, input.amount, balance, input.reason, refKey],
    );
    return { balance, entry: inserted.rows[0] };
  });
}

type LedgerRow = { id: string; delta: number; balanceAfter: number; reason: string; refKey: string | null; createdAt: Date };

const LEDGER_COLUMNS = `id, delta, "balanceAfter", reason, "refKey", "createdAt"`;
