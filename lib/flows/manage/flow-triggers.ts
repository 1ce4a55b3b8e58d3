import "server-only";
import type { TransactionClient } from "@/lib/db/client";
import { isTriggerBlock } from "@/lib/flows/definition/block-schema";
import { flowDefinitionSchema, type FlowDefinition } from "@/lib/flows/definition/flow-definition-schema";
import { AppError } from "@/lib/http/errors";

export type WriteFlowTriggersOptions = { tx: TransactionClient; workspaceId: string; flowId: string; versionId: string; definition: FlowDefinition };

/**
 * Replaces a flow's rows in the trigger index with the trigger blocks of `versionId` (one row
 * per trigger block). Call inside the transaction that makes that version the active one, so
 * the runner never sees two versions of a flow, or none, while it is live.
 */
export async function writeFlowTriggers({ tx, workspaceId, flowId, versionId, definition }: WriteFlowTriggersOptions): Promise<number> {
  await tx.flowTrigger.deleteMany({ where: { workspaceId, flowId } });
  const triggers = definition.blocks.filter(isTriggerBlock);
  if (triggers.length === 0) return 0;
  const { count } = await tx.flowTrigger.createMany({
    data: triggers.map((block) => ({ workspaceId, flowId, versionId, blockId: block.id, kind: block.type, block })),
  });
  return count;
}

/** Removes a flow's rows from the trigger index: no new session can start on it. */
export async function clearFlowTriggers({ tx, workspaceId, flowId }: { tx: TransactionClient; workspaceId: string; flowId: string }): Promise<void> {
  await tx.flowTrigger.deleteMany({ where: { workspaceId, flowId } });
}

/**
 * A published version's frozen definition, parsed. It was validated when published; a failure
 * here means the stored format changed under it, which is a server fault (500), not the caller's.
 */
export function readStoredDefinition(json: unknown): FlowDefinition {
  const parsed = flowDefinitionSchema.safeParse(json);
  if (!parsed.success) throw new AppError({ code: "internal", message: "A published version of this flow could not be read" });
  return parsed.data;
}
