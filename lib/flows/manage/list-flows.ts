import "server-only";
import { prisma } from "@/lib/db/client";
import { TRIGGER_BLOCK_TYPES } from "@/lib/flows/definition/block-schema";
import { COMPLETED_STAT_ID } from "./flow-stats";
import { flowSummarySelect, toFlowSummary, type FlowSummary } from "./flow-summary";

export type FlowListItem = FlowSummary & {
  /** Sessions started, over every published version (FlowBlockStat of each version's trigger). */
  runs: number;
  /** Sessions that reached the end, over every published version. */
  completions: number;
};

/** The workspace's flows, most recently changed first, with their lifetime runs and completions. */
export async function listFlows(workspaceId: string): Promise<FlowListItem[]> {
  const [rows, totals] = await Promise.all([
    prisma.flow.findMany({ where: { workspaceId }, orderBy: [{ updatedAt: "desc" }, { id: "asc" }], select: flowSummarySelect }),
    // The trigger of a version is the block whose type is a trigger type; finding it inside the
    // frozen definition in SQL avoids sending every definition to the app just to count.
    prisma.$queryRaw<{ flowId: string; runs: bigint | null; completions: bigint | null }[]>`
      SELECT v."flowId",
             SUM(s.entered) FILTER (WHERE EXISTS (
               SELECT 1 FROM jsonb_array_elements(v.definition -> 'blocks') AS b
               WHERE b ->> 'id' = s."blockId" AND b ->> 'type' = ANY(${[...TRIGGER_BLOCK_TYPES]}::text[])
             )) AS runs,
             SUM(s.entered) FILTER (WHERE s."blockId" = ${COMPLETED_STAT_ID}) AS completions
      FROM "FlowBlockStat" s
      JOIN "FlowVersion" v ON v.id = s."versionId"
      WHERE v."workspaceId" = ${workspaceId}
      GROUP BY v."flowId"`,
  ]);
  const byFlow = new Map(totals.map((row) => [row.flowId, row]));
  return rows.map((row) => {
    const total = byFlow.get(row.id);
    return { ...toFlowSummary(row), runs: Number(total?.runs ?? 0), completions: Number(total?.completions ?? 0) };
  });
}
