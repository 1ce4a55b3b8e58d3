import "server-only";
import { z } from "zod";
import { prisma } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";

export const getAutomationCreditsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  /** nextCursor of the previous ledger page (opaque). */
  cursor: z.string().min(1).max(200).optional(),
});

export type GetAutomationCreditsOptions = { workspaceId: string; query: z.infer<typeof getAutomationCreditsQuerySchema> };

/** Below this share of the balance after the last grant or top-up, the balance is "low". */
const LOW_BALANCE_SHARE = 0.1;

const cursorSchema = z.tuple([z.iso.datetime(), z.string().min(1).max(64)]);

/**
 * The credit balance (each automated DM costs one; at zero automations stop), whether it is low
 * (under 10 % of what it was after the last grant or top-up) and one page of the ledger, newest
 * first, keyset-paginated like the activity log. Throws AppError 400 for a cursor this function
 * did not make, 404 for an unknown workspace.
 */
export async function getAutomationCredits({ workspaceId, query }: GetAutomationCreditsOptions) {
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  const [workspace, rows, lastGrant] = await Promise.all([
    prisma.workspace.findUnique({ where: { id: workspaceId }, select: { credits: true } }),
    prisma.creditLedger.findMany({
      where: {
        workspaceId,
        ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}),
      },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: query.limit + 1,
      select: { id: true, delta: true, balanceAfter: true, reason: true, refKey: true, createdAt: true },
    }),
    prisma.creditLedger.findFirst({ where: { workspaceId, delta: { gt: 0 } }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: { balanceAfter: true } }),
  ]);
  if (!workspace) throw new AppError({ code: "not_found", message: "Workspace not found" });
  const ledger = rows.slice(0, query.limit);
  const last = ledger.at(-1);
  const lowThreshold = lastGrant ? Math.ceil(lastGrant.balanceAfter * LOW_BALANCE_SHARE) : 0;
  return {
    balance: workspace.credits,
    automationsPaused: workspace.credits <= 0,
    isLow: workspace.credits > 0 && workspace.credits < lowThreshold,
    lowThreshold,
    ledger,
    nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null,
  };
}

function encodeCursor({ createdAt, id }: { createdAt: Date; id: string }): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString("base64url");
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const [createdAt, id] = cursorSchema.parse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
    return { createdAt: new Date(createdAt), id };
  } catch {
    throw new AppError({ code: "bad_request", message: "This cursor is not valid: use nextCursor from the previous page", field: "cursor" });
  }
}
