import "server-only";
import { prisma } from "@/lib/db/client";
import { createStarterDraft } from "./block-defaults";
import type { FlowDetail } from "./get-flow";
import { flowSummarySelect, toFlowSummary } from "./flow-summary";
import type { CreateFlowInput } from "./schemas";
import { toStoredJson } from "./stored-json";

export type CreateFlowOptions = { workspaceId: string; userId: string | null; input: CreateFlowInput };

/** Creates a flow in draft with the starter draft (one keyword trigger); nothing runs until it is published. */
export async function createFlow({ workspaceId, userId, input }: CreateFlowOptions): Promise<FlowDetail> {
  const draft = createStarterDraft();
  const row = await prisma.flow.create({
    data: { workspaceId, name: input.name, draft: toStoredJson(draft), draftUpdatedById: userId },
    select: flowSummarySelect,
  });
  return { ...toFlowSummary(row), draft, draftUpdatedBy: null };
}
