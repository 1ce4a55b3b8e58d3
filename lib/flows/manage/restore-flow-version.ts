import "server-only";
import { prisma } from "@/lib/db/client";
import type { FlowSummary } from "./flow-summary";
import { getFlowOrThrow } from "./get-flow-or-throw";
import { getFlowVersion } from "./list-flow-versions";
import { toStoredJson } from "./stored-json";
import { staleRevisionError } from "./update-flow";

export type RestoreFlowVersionOptions = { workspaceId: string; flowId: string; version: number; userId: string | null; baseRevision: number };

/**
 * Copies a published version's definition into the draft (a new draft revision), to edit and
 * publish again. What runs does not change until that publish. Throws AppError 404, or 409 when
 * `baseRevision` is outdated (someone saved the draft since: their work would be replaced).
 */
export async function restoreFlowVersion({ workspaceId, flowId, version, userId, baseRevision }: RestoreFlowVersionOptions): Promise<FlowSummary> {
  const { definition } = await getFlowVersion({ workspaceId, flowId, version });
  const { count } = await prisma.flow.updateMany({
    where: { id: flowId, workspaceId, draftRevision: baseRevision },
    data: { draft: toStoredJson(definition), draftRevision: { increment: 1 }, draftUpdatedById: userId, draftUpdatedAt: new Date() },
  });
  if (count === 0) throw await staleRevisionError({ workspaceId, id: flowId, baseRevision });
  return getFlowOrThrow({ workspaceId, id: flowId });
}
