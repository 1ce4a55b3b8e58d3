import "server-only";
import { forgetActiveTriggers } from "@/lib/flows/runner/automation-context";
import { prisma } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import type { FlowDefinition } from "@/lib/flows/definition/flow-definition-schema";
import { validateFlowDefinition, type FlowIssue } from "@/lib/flows/definition/validate-flow-definition";
import { writeFlowTriggers } from "./flow-triggers";
import { flowNotFound, getFlowOrThrow } from "./get-flow-or-throw";
import type { FlowSummary } from "./flow-summary";
import { readStoredDraft } from "./get-flow";
import { toStoredJson } from "./stored-json";
import { staleRevisionError } from "./update-flow";

export type PublishFlowOptions = {
  workspaceId: string;
  id: string;
  userId: string | null;
  baseRevision: number;
  /** HTTP blocks may call private/loopback addresses; default: only outside production. */
  allowPrivateHosts?: boolean;
};

export type PublishFlowResult =
  | { ok: true; flow: FlowSummary; version: { id: string; version: number; publishedAt: Date }; warnings: FlowIssue[] }
  /** Nothing changed: the active version (if any) keeps running. */
  | { ok: false; issues: FlowIssue[] };

/**
 * Publishes the stored draft: validates it in full (shape and graph, plus go-to-flow targets in
 * this workspace), then in ONE transaction freezes it as version n+1, makes that version the
 * active one, sets the flow active and rewrites its trigger index rows. New sessions start on
 * the new version; sessions already running finish on the version they started on (they keep
 * their versionId). Returns the issues instead when any is an error. Throws AppError 404, or 409
 * when `baseRevision` is not the stored draft revision (someone saved since the caller loaded).
 */
export async function publishFlow({ workspaceId, id, userId, baseRevision, allowPrivateHosts = flowHttpAllowsPrivateHosts() }: PublishFlowOptions): Promise<PublishFlowResult> {
  const flow = await prisma.flow.findFirst({ where: { id, workspaceId }, select: { draft: true, draftRevision: true } });
  if (!flow) throw flowNotFound();
  if (flow.draftRevision !== baseRevision) throw await staleRevisionError({ workspaceId, id, baseRevision });

  const result = validateFlowDefinition({ definition: readStoredDraft(flow.draft), flowId: id, allowPrivateHosts });
  const issues = [...result.issues, ...(result.ok ? await checkGoToFlowTargets({ workspaceId, definition: result.definition }) : [])];
  if (!result.ok || issues.some((issue) => issue.severity === "error")) return { ok: false, issues };
  const definition = result.definition;

  const version = await prisma.$transaction(async (tx) => {
    // The row lock serialises publishes of one flow (version numbers) against each other and
    // against autosaves, which update this row: the frozen draft is exactly the validated one.
    const [locked] = await tx.$queryRaw<{ draftRevision: number }[]>`
      SELECT "draftRevision" FROM "Flow" WHERE id = ${id} AND "workspaceId" = ${workspaceId} FOR UPDATE`;
    if (!locked) throw flowNotFound();
    if (locked.draftRevision !== baseRevision) throw await staleRevisionError({ workspaceId, id, baseRevision });
    const latest = await tx.flowVersion.aggregate({ where: { flowId: id }, _max: { version: true } });
    const created = await tx.flowVersion.create({
      data: { workspaceId, flowId: id, version: (latest._max.version ?? 0) + 1, definition: toStoredJson(definition), publishedById: userId },
      select: { id: true, version: true, publishedAt: true },
    });
    await writeFlowTriggers({ tx, workspaceId, flowId: id, versionId: created.id, definition });
    await tx.flow.update({ where: { id }, data: { activeVersionId: created.id, status: "active" } });
    return created;
  });
  const warnings = issues.filter((issue) => issue.severity === "warning");
  // This process's trigger cache sees the new version now; other processes within its 2 s TTL.
  forgetActiveTriggers(workspaceId);
  return { ok: true, flow: await getFlowOrThrow({ workspaceId, id }), version, warnings };
}

/**
 * Whether flows may call private addresses: never in production, where an HTTP block must not
 * reach internal services; allowed in development and tests, which call local fakes.
 */
export function flowHttpAllowsPrivateHosts(): boolean {
  return getEnv().NODE_ENV !== "production";
}

type CheckTargetsOptions = { workspaceId: string; definition: FlowDefinition };

/** go_to_flow blocks must name another flow of this workspace (validation alone cannot know). */
async function checkGoToFlowTargets({ workspaceId, definition }: CheckTargetsOptions): Promise<FlowIssue[]> {
  const blocks = definition.blocks.flatMap((block) => (block.type === "go_to_flow" ? [block] : []));
  if (blocks.length === 0) return [];
  const found = await prisma.flow.findMany({ where: { workspaceId, id: { in: blocks.map((block) => block.data.flowId) } }, select: { id: true } });
  const known = new Set(found.map((flow) => flow.id));
  return blocks
    .filter((block) => !known.has(block.data.flowId))
    .map((block) => ({
      severity: "error",
      code: "invalid_block",
      message: `Go to flow "${block.label || block.id}": the flow it points to does not exist in this workspace; choose another`,
      blockId: block.id,
      path: ["data", "flowId"],
    }));
}

/** The message of the 422 answer to a publish that found errors. */
export function publishFailedMessage(issues: FlowIssue[]): string {
  const errors = issues.filter((issue) => issue.severity === "error").length;
  return `The flow has ${errors} ${errors === 1 ? "problem" : "problems"} to fix before it can be published; what runs now is unchanged`;
}
