// GET /api/flows/[id]/versions/[version] – one published version with its frozen definition
import { withWorkspace } from "@/lib/auth/with-workspace";
import { getFlowVersion } from "@/lib/flows/manage/list-flow-versions";
import { versionNumberSchema } from "@/lib/flows/manage/schemas";

export const GET = withWorkspace(async (_req, { workspace, params }) => {
  const version = versionNumberSchema.parse(params.version);
  return Response.json({ version: await getFlowVersion({ workspaceId: workspace.id, flowId: params.id, version }) });
});
