import "server-only";
import { prisma } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { flowSummarySelect, toFlowSummary, type FlowSummary } from "./flow-summary";

export type GetFlowOrThrowOptions = { workspaceId: string; id: string };

/** A flow of this workspace. Throws AppError 404 when the id is unknown or another workspace's. */
export async function getFlowOrThrow({ workspaceId, id }: GetFlowOrThrowOptions): Promise<FlowSummary> {
  const row = await prisma.flow.findFirst({ where: { id, workspaceId }, select: flowSummarySelect });
  if (!row) throw flowNotFound();
  return toFlowSummary(row);
}

export function flowNotFound(): AppError {
  return new AppError({ code: "not_found", message: "No flow with this id in this workspace" });
}
