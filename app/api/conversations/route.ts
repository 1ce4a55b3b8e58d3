// GET /api/conversations – a page of the workspace's conversations
// (?status=&channelId=&assignee=me|unassigned|<userId>&unread=true&q=&cursor=&limit=)
import { withWorkspace } from "@/lib/auth/with-workspace";
import { listConversations, listConversationsQuerySchema } from "@/lib/inbox/list-conversations";

export const GET = withWorkspace(async (req, { workspace, user }) => {
  const query = listConversationsQuerySchema.parse(Object.fromEntries(new URL(req.url).searchParams));
  return Response.json(await listConversations({ workspaceId: workspace.id, userId: user?.id ?? null, query }));
});
