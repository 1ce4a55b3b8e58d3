// GET /api/workspaces/[slug]/members – members with their roles
import { withWorkspace } from "@/lib/auth/with-workspace";
import { listMembers } from "@/lib/workspaces/members";

export const GET = withWorkspace(async (_req, { workspace }) => Response.json({ members: await listMembers(workspace.id) }));
