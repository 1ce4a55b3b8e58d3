import "server-only";
import { prisma } from "@/lib/db/client";
import { forgetActiveTriggers } from "@/lib/flows/runner/automation-context";
import { flowNotFound } from "./get-flow-or-throw";

export type DeleteFlowOptions = { workspaceId: string; id: string };

/**
 * Deletes a flow with its versions, trigger index rows, sessions and analytics (database
 * cascades), in one statement: sessions still running on it stop where they are. The activity
 * log keeps its entries; other flows' go-to-flow blocks that name it are left as they are (a
 * new publish of those flows reports them). Throws AppError 404.
 */
export async function deleteFlow({ workspaceId, id }: DeleteFlowOptions): Promise<void> {
  const { count } = await prisma.flow.deleteMany({ where: { id, workspaceId } });
  if (count === 0) throw flowNotFound();
  forgetActiveTriggers(workspaceId);
}
