// POST /api/webhook-events/[id]/replay – process a stored delivery again (idempotent)
import { withWorkspace } from "@/lib/auth/with-workspace";
import { replayWebhookEvent } from "@/lib/webhooks/replay-webhook-event";

export const POST = withWorkspace(
  async (_req, { workspace, params }) => Response.json(await replayWebhookEvent({ workspaceId: workspace.id, eventId: params.id }), { status: 202 }),
  { roles: ["owner", "admin"] },
);
