// POST /api/flows/[id]/publish – validate the draft and freeze it as the next version ({ baseRevision }); 422 lists the issues
import { withWorkspace } from "@/lib/auth/with-workspace";
import { parseBody } from "@/lib/http/parse-body";
import { publishFailedMessage, publishFlow } from "@/lib/flows/manage/publish-flow";
import { FLOW_EDITOR_ROLES, publishFlowSchema } from "@/lib/flows/manage/schemas";

export const POST = withWorkspace(
  async (req, { workspace, user, params }) => {
    const { baseRevision } = publishFlowSchema.parse(await parseBody(req));
    const result = await publishFlow({ workspaceId: workspace.id, id: params.id, userId: user?.id ?? null, baseRevision });
    if (!result.ok) {
      // The usual error shape, plus every issue with its block so the builder can mark them all.
      return Response.json({ error: { code: "unprocessable", message: publishFailedMessage(result.issues) }, issues: result.issues }, { status: 422 });
    }
    return Response.json({ flow: result.flow, version: result.version, warnings: result.warnings }, { status: 201 });
  },
  { roles: FLOW_EDITOR_ROLES },
);
