// GET /api/saved-replies – the workspace's saved replies; POST – add one (agents and up)
import { withWorkspace } from "@/lib/auth/with-workspace";
import { parseBody } from "@/lib/http/parse-body";
import { createSavedReply, listSavedReplies } from "@/lib/saved-replies/saved-replies";
import { createSavedReplySchema } from "@/lib/saved-replies/schemas";

export const GET = withWorkspace(async (_req, { workspace }) => Response.json({ savedReplies: await listSavedReplies(workspace.id) }));

export const POST = withWorkspace(
  async (req, { workspace, user }) => {
    const input = createSavedReplySchema.parse(await parseBody(req));
    return Response.json({ savedReply: await createSavedReply({ workspaceId: workspace.id, userId: user?.id ?? null, input }) }, { status: 201 });
  },
  { roles: ["owner", "admin", "agent"] },
);
