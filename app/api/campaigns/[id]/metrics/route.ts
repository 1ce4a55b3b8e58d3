// GET /api/campaigns/[id]/metrics – counts, delivery/read/failure rates, progress and a timeline
import { withWorkspace } from "@/lib/auth/with-workspace";
import { getCampaignMetrics } from "@/lib/campaigns/manage/metrics";

export const GET = withWorkspace(async (_req, { workspace, params }) => Response.json(await getCampaignMetrics(workspace.id, params.id)));
