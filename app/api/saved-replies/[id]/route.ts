// PATCH /api/saved-replies/[id] – change a saved reply; DELETE – remove it (agents and up)
import { withWorkspace } from "@/lib/auth/with-workspace";
import { parseBody } from "@/lib/http/parse-body";
import { deleteSavedReply, updateSavedReply } from "@/lib/saved-replies/saved-replies";
import { updateSavedReplySchema } from "@/lib/saved-replies/schemas";

export const PATCH = withWorkspace(
  async (req, { workspace, params }) => {
    const input = updateSavedReplySchema.parse(await parseBody(req));
    return Response.json({ savedReply: await updateSavedReply({ workspaceId: workspace.id, id: params.id, input }) });
  },
  { roles: ["owner", "admin", "agent"] },
);

export const DELETE = withWorkspace(
  async (_req, { workspace, params }) => {
    await deleteSavedReply({ workspaceId: workspace.id, id: params.id });
    return new Response(null, { status: 204 });
  },
  { roles: ["owner", "admin", "agent"] },
);
