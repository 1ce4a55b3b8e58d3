// GET /api/workspaces – the caller's workspaces; POST – create another workspace
import { createWorkspaceSchema } from "@/lib/auth/schemas";
import { withUser } from "@/lib/auth/with-workspace";
import { parseBody } from "@/lib/http/parse-body";
import { listUserWorkspaces } from "@/lib/workspaces/members";
import { createOwnedWorkspace } from "@/lib/workspaces/create-owned-workspace";

export const GET = withUser(async (_req, { user }) => Response.json({ workspaces: await listUserWorkspaces(user.id) }));

export const POST = withUser(async (req, { user }) => {
  const input = createWorkspaceSchema.parse(await parseBody(req));
  return Response.json({ workspace: await createOwnedWorkspace({ name: input.name, ownerId: user.id }) }, { status: 201 });
});
