import "server-only";
import { z } from "zod";
import { prisma } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";

export const getAutomationCreditsQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) });

export type GetAutomationCreditsOptions = { workspaceId: string; query: z.infer<typeof getAutomationCreditsQuerySchema> };

/** The credit balance (each automated DM costs one; at zero automations stop) and the latest ledger rows, newest first. */
export async function getAutomationCredits({ workspaceId, query }: GetAutomationCreditsOptions) {
  const [workspace, ledger] = await Promise.all([
    prisma.workspace.findUnique({ where: { id: workspaceId }, select: { credits: true } }),
    prisma.creditLedger.findMany({
      where: { workspaceId },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: query.limit,
      select: { id: true, delta: true, balanceAfter: true, reason: true, refKey: true, createdAt: true },
    }),
  ]);
  if (!workspace) throw new AppError({ code: "not_found", message: "Workspace not found" });
  return { balance: workspace.credits, automationsPaused: workspace.credits <= 0, ledger };
}
