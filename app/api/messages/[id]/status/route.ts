// GET /api/messages/[id]/status – a message's delivery status (and its campaign recipient, if any)
import { withWorkspace } from "@/lib/auth/with-workspace";
import { getMessageStatus } from "@/lib/messaging/get-message-status";

export const GET = withWorkspace(async (_req, { workspace, params }) => Response.json(await getMessageStatus({ workspaceId: workspace.id, messageId: params.id })));
