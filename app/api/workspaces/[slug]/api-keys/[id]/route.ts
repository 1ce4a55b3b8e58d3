// DELETE /api/workspaces/[slug]/api-keys/[id] – revoke a key
import { withWorkspace } from "@/lib/auth/with-workspace";
import { revokeApiKey } from "@/lib/auth/api-keys";

export const DELETE = withWorkspace(
  async (_req, { workspace, params }) => {
    await revokeApiKey({ workspaceId: workspace.id, id: params.id });
    return new Response(null, { status: 204 });
  },
  { roles: ["owner", "admin"], sessionOnly: true },
);
