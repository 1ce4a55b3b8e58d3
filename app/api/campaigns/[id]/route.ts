// GET /api/campaigns/[id] – one campaign with counts, rates and progress; PATCH – edit a draft; DELETE – delete (not while sending)
import { withWorkspace } from "@/lib/auth/with-workspace";
import { parseBody } from "@/lib/http/parse-body";
import { campaignUpdateSchema } from "@/lib/campaigns/definition/campaign-input-schema";
import { deleteCampaign, getCampaign, updateCampaign } from "@/lib/campaigns/manage/campaigns";
import { CAMPAIGN_BODY_MAX_BYTES, CAMPAIGN_EDITOR_ROLES } from "@/lib/campaigns/manage/roles";

export const GET = withWorkspace(async (_req, { workspace, params }) => Response.json({ campaign: await getCampaign(workspace.id, params.id) }));

export const PATCH = withWorkspace(
  async (req, { workspace, params }) => {
    const input = campaignUpdateSchema.parse(await parseBody(req, { maxBytes: CAMPAIGN_BODY_MAX_BYTES }));
    return Response.json({ campaign: await updateCampaign({ workspaceId: workspace.id, id: params.id, input }) });
  },
  { roles: CAMPAIGN_EDITOR_ROLES },
);

export const DELETE = withWorkspace(
  async (_req, { workspace, params }) => {
    await deleteCampaign(workspace.id, params.id);
    return new Response(null, { status: 204 });
  },
  { roles: CAMPAIGN_EDITOR_ROLES },
);
