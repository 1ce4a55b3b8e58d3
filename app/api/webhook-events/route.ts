// GET /api/webhook-events – the webhook log (?status=failed&cursor=&limit=), owners and admins
import { withWorkspace } from "@/lib/auth/with-workspace";
import { listWebhookEvents, listWebhookEventsQuerySchema } from "@/lib/webhooks/list-webhook-events";

export const GET = withWorkspace(
  async (req, { workspace }) => {
    const query = listWebhookEventsQuerySchema.parse(Object.fromEntries(new URL(req.url).searchParams));
    return Response.json(await listWebhookEvents({ workspaceId: workspace.id, query }));
  },
  { roles: ["owner", "admin"] },
);
