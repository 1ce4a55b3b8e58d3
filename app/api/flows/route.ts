// GET /api/flows – the workspace's flows with status, active version and runs; POST – create one (starter draft)
import { withWorkspace } from "@/lib/auth/with-workspace";
import { parseBody } from "@/lib/http/parse-body";
import { createFlow } from "@/lib/flows/manage/create-flow";
import { listFlows } from "@/lib/flows/manage/list-flows";
import { FLOW_EDITOR_ROLES, createFlowSchema } from "@/lib/flows/manage/schemas";

export const GET = withWorkspace(async (_req, { workspace }) => Response.json({ flows: await listFlows(workspace.id) }));

export const POST = withWorkspace(
  async (req, { workspace, user }) => {
    const input = createFlowSchema.parse(await parseBody(req));
    return Response.json({ flow: await createFlow({ workspaceId: workspace.id, userId: user?.id ?? null, input }) }, { status: 201 });
  },
  { roles: FLOW_EDITOR_ROLES },
);
