// GET /api/conversations/[id]/compose – what the composer may send now (window mode, limits, approved templates)
import { withWorkspace } from "@/lib/auth/with-workspace";
import { getComposeState } from "@/lib/inbox/compose/get-compose-state";

export const GET = withWorkspace(async (_req, { workspace, params }) => Response.json(await getComposeState({ workspaceId: workspace.id, conversationId: params.id })));
