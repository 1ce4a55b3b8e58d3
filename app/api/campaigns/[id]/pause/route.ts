// POST /api/campaigns/[id]/pause – pause a running campaign (or unschedule a scheduled one)
import { withWorkspace } from "@/lib/auth/with-workspace";
import { pauseCampaign } from "@/lib/campaigns/manage/lifecycle";
import { CAMPAIGN_EDITOR_ROLES } from "@/lib/campaigns/manage/roles";

export const POST = withWorkspace(async (_req, { workspace, params }) => Response.json({ campaign: await pauseCampaign({ workspaceId: workspace.id, id: params.id }) }), {
  roles: CAMPAIGN_EDITOR_ROLES,
});
