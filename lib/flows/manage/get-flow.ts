import "server-only";
import { prisma } from "@/lib/db/client";
import { flowDraftSchema, type FlowDraft } from "@/lib/flows/definition/flow-definition-schema";
import { AppError } from "@/lib/http/errors";
import { flowSummarySelect, toFlowSummary, type FlowSummary } from "./flow-summary";
import { flowNotFound } from "./get-flow-or-throw";

export type FlowDetail = FlowSummary & {
  draft: FlowDraft;
  /** Who saved the draft last; null for API keys, a deleted account, or a draft never edited. */
  draftUpdatedBy: { id: string; name: string } | null;
};

export type GetFlowOptions = { workspaceId: string; id: string };

/** A flow with its draft, for the builder. Throws AppError 404 when not in this workspace. */
export async function getFlow({ workspaceId, id }: GetFlowOptions): Promise<FlowDetail> {
  const row = await prisma.flow.findFirst({ where: { id, workspaceId }, select: { ...flowSummarySelect, draft: true, draftUpdatedById: true, draftRevision: true } });
  if (!row) throw flowNotFound();
  const { draft, draftUpdatedById, ...summary } = row;
  const editor = draftUpdatedById && summary.draftRevision > 0 ? await findUserName(draftUpdatedById) : null;
  return { ...toFlowSummary(summary), draft: readStoredDraft(draft), draftUpdatedBy: editor };
}

/** A stored draft passed flowDraftSchema when saved; failing now means the format changed under it. */
export function readStoredDraft(json: unknown): FlowDraft {
  const parsed = flowDraftSchema.safeParse(json);
  if (!parsed.success) throw new AppError({ code: "internal", message: "The draft of this flow could not be read" });
  return parsed.data;
}

export async function findUserName(userId: string): Promise<{ id: string; name: string } | null> {
  return prisma.user.findUnique({ where: { id: userId }, select: { id: true, name: true } });
}
