// GET /api/flows/[id] – a flow with its draft; PATCH – autosave the draft ({ draft, baseRevision }) and/or rename; DELETE – remove it
import { withWorkspace } from "@/lib/auth/with-workspace";
import { parseBody } from "@/lib/http/parse-body";
import { deleteFlow } from "@/lib/flows/manage/delete-flow";
import { getFlow } from "@/lib/flows/manage/get-flow";
import { FLOW_EDITOR_ROLES, updateFlowSchema } from "@/lib/flows/manage/schemas";
import { updateFlow } from "@/lib/flows/manage/update-flow";

// A draft holds up to 200 blocks with their texts: more than the default 100 KB body limit.
const MAX_DRAFT_BYTES = 1024 * 1024;

export const GET = withWorkspace(async (_req, { workspace, params }) => Response.json({ flow: await getFlow({ workspaceId: workspace.id, id: params.id }) }));

export const PATCH = withWorkspace(
  async (req, { workspace, user, params }) => {
    const input = updateFlowSchema.parse(await parseBody(req, { maxBytes: MAX_DRAFT_BYTES }));
    return Response.json({ flow: await updateFlow({ workspaceId: workspace.id, id: params.id, userId: user?.id ?? null, input }) });
  },
  { roles: FLOW_EDITOR_ROLES },
);

export const DELETE = withWorkspace(
  async (_req, { workspace, params }) => {
    await deleteFlow({ workspaceId: workspace.id, id: params.id });
    return new Response(null, { status: 204 });
  },
  { roles: FLOW_EDITOR_ROLES },
);
