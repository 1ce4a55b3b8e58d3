import "server-only";
import { prisma } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import type { FlowSummary } from "./flow-summary";
import { findUserName } from "./get-flow";
import { flowNotFound, getFlowOrThrow } from "./get-flow-or-throw";
import type { UpdateFlowInput } from "./schemas";
import { toStoredJson } from "./stored-json";

export type UpdateFlowOptions = { workspaceId: string; id: string; userId: string | null; input: UpdateFlowInput };

/**
 * Saves the builder's draft (autosave) and/or renames the flow. A draft is written only when
 * `baseRevision` is still the stored revision, in the same statement that bumps it, so two
 * editors can never overwrite each other silently: the slower one gets AppError 409 and must
 * reload. A rename alone never conflicts. The active version keeps running: publishing is a
 * separate step. Throws AppError 404 when the flow is not in this workspace.
 */
export async function updateFlow({ workspaceId, id, userId, input }: UpdateFlowOptions): Promise<FlowSummary> {
  const { name, draft, baseRevision } = input;
  if (draft === undefined || baseRevision === undefined) {
    const { count } = await prisma.flow.updateMany({ where: { id, workspaceId }, data: { name } });
    if (count === 0) throw flowNotFound();
    return getFlowOrThrow({ workspaceId, id });
  }
  const { count } = await prisma.flow.updateMany({
    where: { id, workspaceId, draftRevision: baseRevision },
    data: { name, draft: toStoredJson(draft), draftRevision: { increment: 1 }, draftUpdatedById: userId, draftUpdatedAt: new Date() },
  });
  if (count === 0) throw await staleRevisionError({ workspaceId, id, baseRevision });
  return getFlowOrThrow({ workspaceId, id });
}

export type StaleRevisionOptions = { workspaceId: string; id: string; baseRevision: number };

/**
 * The error for a write based on an outdated draft revision: 404 when the flow is gone, else a
 * 409 naming who changed it and when, so the editor knows whose work a reload brings in.
 */
export async function staleRevisionError({ workspaceId, id, baseRevision }: StaleRevisionOptions): Promise<AppError> {
  const flow = await prisma.flow.findFirst({ where: { id, workspaceId }, select: { draftRevision: true, draftUpdatedById: true, draftUpdatedAt: true } });
  if (!flow) return flowNotFound();
  const editor = flow.draftUpdatedById ? await findUserName(flow.draftUpdatedById) : null;
  const by = editor ? ` by ${editor.name}` : "";
  return new AppError({
    code: "conflict",
    field: "baseRevision",
    message: `This flow was changed${by} at ${flow.draftUpdatedAt.toISOString()} since you loaded it (revision ${flow.draftRevision}, you had ${baseRevision}). Reload to get the latest draft; your last changes were not saved.`,
  });
}
