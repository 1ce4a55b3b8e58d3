// POST /api/messages/[id]/retry – send a failed outbound message again (rules re-checked)
import { withWorkspace } from "@/lib/auth/with-workspace";
import { retryMessage } from "@/lib/messaging/retry-message";

export const POST = withWorkspace(
  async (_req, { workspace, params }) => Response.json({ message: await retryMessage({ workspaceId: workspace.id, messageId: params.id }) }),
  { roles: ["owner", "admin", "agent"] },
);
