// GET /api/flows/[id]/analytics?versionId= – per-block entries and drop-off, runs and completions of a version
import { withWorkspace } from "@/lib/auth/with-workspace";
import { getFlowAnalytics } from "@/lib/flows/manage/get-flow-analytics";
import { flowAnalyticsQuerySchema } from "@/lib/flows/manage/schemas";

export const GET = withWorkspace(async (req, { workspace, params }) => {
  const { versionId } = flowAnalyticsQuerySchema.parse(Object.fromEntries(new URL(req.url).searchParams));
  return Response.json({ analytics: await getFlowAnalytics({ workspaceId: workspace.id, flowId: params.id, versionId }) });
});
