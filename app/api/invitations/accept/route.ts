// POST /api/invitations/accept – the signed-in user joins the invitation's workspace
import { acceptInvitationSchema } from "@/lib/auth/schemas";
import { withUser } from "@/lib/auth/with-workspace";
import { parseBody } from "@/lib/http/parse-body";
import { acceptInvitation } from "@/lib/workspaces/invitations";

export const POST = withUser(async (req, { user }) => {
  const { token } = acceptInvitationSchema.parse(await parseBody(req));
  return Response.json({ workspace: await acceptInvitation({ token, user }) });
});
