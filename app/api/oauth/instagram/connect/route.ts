// POST /api/oauth/instagram/connect – connects the Instagram accounts chosen from the pending Facebook login
import { withWorkspace } from "@/lib/auth/with-workspace";
import { MANAGER_ROLES } from "@/lib/oauth/require-manager";
import { answerInstagramConnect } from "@/lib/oauth/instagram-connect";

export const POST = withWorkspace((req, { workspace, user }) => answerInstagramConnect({ req, workspace, user: user! }), {
  roles: MANAGER_ROLES,
  sessionOnly: true,
});
