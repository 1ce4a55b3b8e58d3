// GET /api/conversations/[id]/messages – a page of a conversation's messages (?before=<id>&limit=)
import { withWorkspace } from "@/lib/auth/with-workspace";
import { listMessages, listMessagesQuerySchema } from "@/lib/inbox/list-messages";

export const GET = withWorkspace(async (req, { workspace, params }) => {
  const query = listMessagesQuerySchema.parse(Object.fromEntries(new URL(req.url).searchParams));
  return Response.json(await listMessages({ workspaceId: workspace.id, conversationId: params.id, query }));
});
