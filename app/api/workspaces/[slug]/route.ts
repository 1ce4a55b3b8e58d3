// GET /api/workspaces/[slug] – the workspace and the caller's role in it
import { withWorkspace } from "@/lib/auth/with-workspace";

export const GET = withWorkspace(async (_req, { workspace, role }) => Response.json({ workspace, role }));
