// GET /api/inbox/counts – badge counts per filter, from maintained counters (ETag, 304 on If-None-Match)
import { withWorkspace } from "@/lib/auth/with-workspace";
import { conditionalJson } from "@/lib/http/conditional";
import { getInboxCounts } from "@/lib/inbox/counts";

export const GET = withWorkspace(async (req, { workspace, user }) => {
  return conditionalJson(req, await getInboxCounts({ workspaceId: workspace.id, userId: user?.id ?? null }));
});
