// GET /api/conversations/[id] – one conversation's summary
// PATCH /api/conversations/[id] – assign, mark read/unread, archive, block, pause the bot
import { withWorkspace } from "@/lib/auth/with-workspace";
import { parseBody } from "@/lib/http/parse-body";
import { getConversationSummaryOrThrow } from "@/lib/inbox/get-conversation-summary";
import { updateConversation, updateConversationSchema } from "@/lib/inbox/update-conversation";

export const GET = withWorkspace(async (_req, { workspace, params }) => {
  return Response.json({ conversation: await getConversationSummaryOrThrow({ workspaceId: workspace.id, id: params.id }) });
});

export const PATCH = withWorkspace(
  async (req, { workspace, user, params }) => {
    const input = updateConversationSchema.parse(await parseBody(req));
    return Response.json({ conversation: await updateConversation({ workspaceId: workspace.id, id: params.id, user, input }) });
  },
  { roles: ["owner", "admin", "agent"] },
);
