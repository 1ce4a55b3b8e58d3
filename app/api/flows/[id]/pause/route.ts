// POST /api/flows/[id]/pause – stop new sessions (running ones finish on their version)
import { withWorkspace } from "@/lib/auth/with-workspace";
import { FLOW_EDITOR_ROLES } from "@/lib/flows/manage/schemas";
import { pauseFlow } from "@/lib/flows/manage/set-flow-paused";

export const POST = withWorkspace(async (_req, { workspace, params }) => Response.json({ flow: await pauseFlow({ workspaceId: workspace.id, id: params.id }) }), {
  roles: FLOW_EDITOR_ROLES,
});
