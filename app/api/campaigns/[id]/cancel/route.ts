// POST /api/campaigns/[id]/cancel – cancel for good: recipients not sent yet are skipped
import { withWorkspace } from "@/lib/auth/with-workspace";
import { cancelCampaign } from "@/lib/campaigns/manage/lifecycle";
import { CAMPAIGN_EDITOR_ROLES } from "@/lib/campaigns/manage/roles";

export const POST = withWorkspace(async (_req, { workspace, params }) => Response.json({ campaign: await cancelCampaign({ workspaceId: workspace.id, id: params.id }) }), {
  roles: CAMPAIGN_EDITOR_ROLES,
});
