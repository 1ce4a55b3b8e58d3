// GET /api/debug – debug overview of the workspace (owners, admins; off in production unless DEBUG_ENDPOINTS=1)
import { withWorkspace } from "@/lib/auth/with-workspace";
import { getDebugOverview } from "@/lib/debug/get-debug-overview";

export const GET = withWorkspace(async (_req, { workspace }) => Response.json(await getDebugOverview(workspace.id), { headers: { "Cache-Control": "no-store" } }), {
  roles: ["owner", "admin"],
  sessionOnly: true,
});
