// GET /api/messages/[id]/trace – every step a message went through
import { withWorkspace } from "@/lib/auth/with-workspace";
import { getMessageTrace } from "@/lib/inbox/get-message-trace";

export const GET = withWorkspace(async (_req, { workspace, params }) => Response.json(await getMessageTrace({ workspaceId: workspace.id, messageId: params.id })));
