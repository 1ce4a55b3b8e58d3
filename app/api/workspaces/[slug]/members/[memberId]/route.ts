// PATCH /api/workspaces/[slug]/members/[memberId] – change role; DELETE – remove (owner only)
import { changeRoleSchema } from "@/lib/auth/schemas";
import { withWorkspace } from "@/lib/auth/with-workspace";
import { parseBody } from "@/lib/http/parse-body";
import { changeMemberRole, removeMember } from "@/lib/workspaces/members";

export const PATCH = withWorkspace(
  async (req, { workspace, params }) => {
    const { role } = changeRoleSchema.parse(await parseBody(req));
    return Response.json({ member: await changeMemberRole({ workspaceId: workspace.id, membershipId: params.memberId, role }) });
  },
  { roles: ["owner"], sessionOnly: true },
);

export const DELETE = withWorkspace(
  async (_req, { workspace, params }) => {
    await removeMember({ workspaceId: workspace.id, membershipId: params.memberId });
    return new Response(null, { status: 204 });
  },
  { roles: ["owner"], sessionOnly: true },
);
