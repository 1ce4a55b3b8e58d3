// POST /api/campaigns/[id]/launch – launch a draft now, or at its schedule
import { withWorkspace } from "@/lib/auth/with-workspace";
import { launchCampaign } from "@/lib/campaigns/manage/lifecycle";
import { CAMPAIGN_EDITOR_ROLES } from "@/lib/campaigns/manage/roles";

export const POST = withWorkspace(async (_req, { workspace, params }) => Response.json({ campaign: await launchCampaign({ workspaceId: workspace.id, id: params.id }) }), {
  roles: CAMPAIGN_EDITOR_ROLES,
});
