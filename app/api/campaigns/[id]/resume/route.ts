// POST /api/campaigns/[id]/resume – resume a paused or stopped campaign
import { withWorkspace } from "@/lib/auth/with-workspace";
import { resumeCampaign } from "@/lib/campaigns/manage/lifecycle";
import { CAMPAIGN_EDITOR_ROLES } from "@/lib/campaigns/manage/roles";

export const POST = withWorkspace(async (_req, { workspace, params }) => Response.json({ campaign: await resumeCampaign({ workspaceId: workspace.id, id: params.id }) }), {
  roles: CAMPAIGN_EDITOR_ROLES,
});
