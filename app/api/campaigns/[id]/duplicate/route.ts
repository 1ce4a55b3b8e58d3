// POST /api/campaigns/[id]/duplicate – a new draft with the same channel, audience, content and pace
import { withWorkspace } from "@/lib/auth/with-workspace";
import { duplicateCampaign } from "@/lib/campaigns/manage/campaigns";
import { CAMPAIGN_EDITOR_ROLES } from "@/lib/campaigns/manage/roles";

export const POST = withWorkspace(
  async (_req, { workspace, params, user }) =>
    Response.json({ campaign: await duplicateCampaign({ workspaceId: workspace.id, id: params.id, userId: user?.id ?? null }) }, { status: 201 }),
  { roles: CAMPAIGN_EDITOR_ROLES },
);
