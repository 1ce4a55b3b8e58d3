import "server-only";
import { forgetActiveTriggers } from "@/lib/flows/runner/automation-context";
import { prisma } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { clearFlowTriggers, readStoredDefinition, writeFlowTriggers } from "./flow-triggers";
import type { FlowSummary } from "./flow-summary";
import { flowNotFound, getFlowOrThrow } from "./get-flow-or-throw";

export type SetFlowPausedOptions = { workspaceId: string; id: string };

/**
 * Pauses an active flow: its trigger index rows go, so no NEW session starts on it. Sessions
 * already running are left alone and finish on their own version (a paused flow's waiting
 * question still takes the answer, a pending delay still fires); delete the flow to stop them.
 * Idempotent. Throws AppError 404, or 409 for a flow never published.
 */
export async function pauseFlow({ workspaceId, id }: SetFlowPausedOptions): Promise<FlowSummary> {
  await prisma.$transaction(async (tx) => {
    const flow = await tx.flow.findFirst({ where: { id, workspaceId }, select: { activeVersionId: true } });
    if (!flow) throw flowNotFound();
    if (!flow.activeVersionId) throw neverPublished("paused");
    await clearFlowTriggers({ tx, workspaceId, flowId: id });
    await tx.flow.update({ where: { id }, data: { status: "paused" } });
  });
  forgetActiveTriggers(workspaceId);
  return getFlowOrThrow({ workspaceId, id });
}

/**
 * Resumes a paused flow on its active version (not the draft: publish for that): its trigger
 * rows are written again and new sessions start. Idempotent. Throws AppError 404, or 409 for a
 * flow never published.
 */
export async function resumeFlow({ workspaceId, id }: SetFlowPausedOptions): Promise<FlowSummary> {
  await prisma.$transaction(async (tx) => {
    const flow = await tx.flow.findFirst({ where: { id, workspaceId }, select: { activeVersion: { select: { id: true, definition: true } } } });
    if (!flow) throw flowNotFound();
    if (!flow.activeVersion) throw neverPublished("resumed");
    const definition = readStoredDefinition(flow.activeVersion.definition);
    await writeFlowTriggers({ tx, workspaceId, flowId: id, versionId: flow.activeVersion.id, definition });
    await tx.flow.update({ where: { id }, data: { status: "active" } });
  });
  forgetActiveTriggers(workspaceId);
  return getFlowOrThrow({ workspaceId, id });
}

function neverPublished(action: string): AppError {
  return new AppError({ code: "conflict", message: `This flow has never been published, so it cannot be ${action}: publish it first` });
}
