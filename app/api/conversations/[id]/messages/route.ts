// GET /api/conversations/[id]/messages – a page of a conversation's messages (?before=<id>&limit=)
// POST /api/conversations/[id]/messages – send a reply (201; 200 with the same message for a repeated idempotencyKey)
import { withWorkspace } from "@/lib/auth/with-workspace";
import { getPublicBaseUrl } from "@/lib/channels/connect/public-url";
import { parseBody } from "@/lib/http/parse-body";
import { sendMessageSchema } from "@/lib/inbox/compose/schemas";
import { sendComposedMessage } from "@/lib/inbox/compose/send-composed-message";
import { listMessages, listMessagesQuerySchema } from "@/lib/inbox/list-messages";

export const GET = withWorkspace(async (req, { workspace, params }) => {
  const query = listMessagesQuerySchema.parse(Object.fromEntries(new URL(req.url).searchParams));
  return Response.json(await listMessages({ workspaceId: workspace.id, conversationId: params.id, query }));
});

export const POST = withWorkspace(
  async (req, { workspace, user, params }) => {
    const input = sendMessageSchema.parse(await parseBody(req));
    const { message, created } = await sendComposedMessage({
      workspaceId: workspace.id,
      conversationId: params.id,
      sender: user ? { type: "agent", userId: user.id } : { type: "api", userId: null },
      input,
      baseUrl: getPublicBaseUrl(req),
    });
    return Response.json({ message }, { status: created ? 201 : 200 });
  },
  { roles: ["owner", "admin", "agent"] },
);
