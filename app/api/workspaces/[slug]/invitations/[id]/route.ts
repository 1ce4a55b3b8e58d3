// DELETE /api/workspaces/[slug]/invitations/[id] – revoke a pending invitation
import { withWorkspace } from "@/lib/auth/with-workspace";
import { revokeInvitation } from "@/lib/workspaces/invitations";

export const DELETE = withWorkspace(
  async (_req, { workspace, params }) => {
    await revokeInvitation({ workspaceId: workspace.id, id: params.id });
    return new Response(null, { status: 204 });
  },
  { roles: ["owner", "admin"], sessionOnly: true },
);
