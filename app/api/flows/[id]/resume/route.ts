// POST /api/flows/[id]/resume – start new sessions again on the active version
import { withWorkspace } from "@/lib/auth/with-workspace";
import { FLOW_EDITOR_ROLES } from "@/lib/flows/manage/schemas";
import { resumeFlow } from "@/lib/flows/manage/set-flow-paused";

export const POST = withWorkspace(async (_req, { workspace, params }) => Response.json({ flow: await resumeFlow({ workspaceId: workspace.id, id: params.id }) }), {
  roles: FLOW_EDITOR_ROLES,
});
