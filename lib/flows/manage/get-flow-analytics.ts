import "server-only";
import { prisma } from "@/lib/db/client";
import { isTriggerBlock } from "@/lib/flows/definition/block-schema";
import { AppError } from "@/lib/http/errors";
import { COMPLETED_STAT_ID } from "./flow-stats";
import { readStoredDefinition } from "./flow-triggers";
import { flowNotFound } from "./get-flow-or-throw";

export type BlockAnalytics = {
  blockId: string;
  /** Sessions that reached this block. */
  entered: number;
  /**
   * Sessions that went on from it: the entries of the blocks its connections lead to, capped at
   * `entered`. Null for a block with no outgoing connection (the flow ends there by design).
   */
  continued: number | null;
  /** entered − continued: sessions that stopped here (left, timed out, or are still waiting). */
  dropOff: number | null;
  /** dropOff / entered, 0..1; null when nobody entered or the block ends the flow. */
  dropOffRate: number | null;
};

export type FlowAnalytics = {
  /** The version counted; null when the flow was never published. */
  version: { id: string; version: number; publishedAt: Date } | null;
  runs: number;
  completions: number;
  blocks: BlockAnalytics[];
};

export type GetFlowAnalyticsOptions = { workspaceId: string; flowId: string; versionId?: string };

/**
 * Per-block counts of one version (default: the active one, else the latest) from the
 * FlowBlockStat rows the runner bumps. Drop-off is "entered here minus entered after": exact for
 * blocks whose successors are reached only from them; a successor that several blocks lead to
 * lends each of them all its entries, so their drop-off reads low (capped at zero). Throws
 * AppError 404 when the flow, or that version of it, is not in this workspace.
 */
export async function getFlowAnalytics({ workspaceId, flowId, versionId }: GetFlowAnalyticsOptions): Promise<FlowAnalytics> {
  const flow = await prisma.flow.findFirst({ where: { id: flowId, workspaceId }, select: { activeVersionId: true } });
  if (!flow) throw flowNotFound();
  const version = await prisma.flowVersion.findFirst({
    where: { flowId, workspaceId, ...(versionId ? { id: versionId } : flow.activeVersionId ? { id: flow.activeVersionId } : {}) },
    orderBy: { version: "desc" },
    select: { id: true, version: true, publishedAt: true, definition: true, blockStats: { select: { blockId: true, entered: true } } },
  });
  if (!version) {
    if (versionId) throw new AppError({ code: "not_found", message: "This flow has no version with this id" });
    return { version: null, runs: 0, completions: 0, blocks: [] };
  }
  const definition = readStoredDefinition(version.definition);
  // A block's count is spread over slots (FlowBlockStat in prisma/schema.prisma): summed here.
  const entered = new Map<string, number>();
  for (const stat of version.blockStats) entered.set(stat.blockId, (entered.get(stat.blockId) ?? 0) + stat.entered);
  const count = (blockId: string) => entered.get(blockId) ?? 0;
  const trigger = definition.blocks.find(isTriggerBlock);
  const blocks = definition.blocks.map((block): BlockAnalytics => {
    const targets = [...new Set(definition.edges.filter((edge) => edge.source === block.id).map((edge) => edge.target))];
    const here = count(block.id);
    if (targets.length === 0) return { blockId: block.id, entered: here, continued: null, dropOff: null, dropOffRate: null };
    const continued = Math.min(here, targets.reduce((sum, target) => sum + count(target), 0));
    const dropOff = here - continued;
    return { blockId: block.id, entered: here, continued, dropOff, dropOffRate: here > 0 ? dropOff / here : null };
  });
  return {
    version: { id: version.id, version: version.version, publishedAt: version.publishedAt },
    runs: trigger ? count(trigger.id) : 0,
    completions: count(COMPLETED_STAT_ID),
    blocks,
  };
}
