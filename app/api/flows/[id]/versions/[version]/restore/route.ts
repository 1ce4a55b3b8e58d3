// POST /api/flows/[id]/versions/[version]/restore – copy a version into the draft ({ baseRevision }); what runs is unchanged
import { withWorkspace } from "@/lib/auth/with-workspace";
import { parseBody } from "@/lib/http/parse-body";
import { restoreFlowVersion } from "@/lib/flows/manage/restore-flow-version";
import { FLOW_EDITOR_ROLES, restoreFlowVersionSchema, versionNumberSchema } from "@/lib/flows/manage/schemas";

export const POST = withWorkspace(
  async (req, { workspace, user, params }) => {
    const version = versionNumberSchema.parse(params.version);
    const { baseRevision } = restoreFlowVersionSchema.parse(await parseBody(req));
    return Response.json({ flow: await restoreFlowVersion({ workspaceId: workspace.id, flowId: params.id, version, userId: user?.id ?? null, baseRevision }) });
  },
  { roles: FLOW_EDITOR_ROLES },
);
