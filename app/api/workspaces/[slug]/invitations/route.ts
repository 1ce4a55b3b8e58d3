// GET /api/workspaces/[slug]/invitations – pending invitations; POST – create an invitation link
import { createInvitationSchema } from "@/lib/auth/schemas";
import { withWorkspace } from "@/lib/auth/with-workspace";
import { AppError } from "@/lib/http/errors";
import { parseBody } from "@/lib/http/parse-body";
import { createInvitation, listInvitations } from "@/lib/workspaces/invitations";

const options = { roles: ["owner", "admin"] as const, sessionOnly: true };

export const GET = withWorkspace(async (_req, { workspace }) => Response.json({ invitations: await listInvitations(workspace.id) }), options);

export const POST = withWorkspace(async (req, { workspace, user, role: callerRole }) => {
  const input = createInvitationSchema.parse(await parseBody(req));
  if (input.role === "owner" && callerRole !== "owner") {
    throw new AppError({ code: "forbidden", message: "Only an owner can invite another owner", field: "role" });
  }
  const invitation = await createInvitation({ workspaceId: workspace.id, role: input.role, email: input.email, createdById: user!.id });
  const url = new URL(`/invite/${invitation.token}`, process.env.NEXTAUTH_URL ?? req.url).toString();
  return Response.json({ invitation: { ...invitation, url } }, { status: 201 });
}, options);
