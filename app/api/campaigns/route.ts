// GET /api/campaigns – the workspace's campaigns, newest first (cursor, status); POST – create a draft
import { z } from "zod";
import { withWorkspace } from "@/lib/auth/with-workspace";
import { parseBody } from "@/lib/http/parse-body";
import { campaignInputSchema } from "@/lib/campaigns/definition/campaign-input-schema";
import { createCampaign, listCampaigns } from "@/lib/campaigns/manage/campaigns";
import { CAMPAIGN_BODY_MAX_BYTES, CAMPAIGN_EDITOR_ROLES } from "@/lib/campaigns/manage/roles";


const listQuery = z.object({
  cursor: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  status: z.enum(["draft", "scheduled", "running", "paused", "stopped", "completed", "cancelled"], { error: "is not a campaign status" }).optional(),
});

export const GET = withWorkspace(async (req, { workspace }) => {
  const query = listQuery.parse(Object.fromEntries(new URL(req.url).searchParams));
  return Response.json(await listCampaigns({ workspaceId: workspace.id, ...query }));
});

export const POST = withWorkspace(
  async (req, { workspace, user }) => {
    const input = campaignInputSchema.parse(await parseBody(req, { maxBytes: CAMPAIGN_BODY_MAX_BYTES }));
    return Response.json({ campaign: await createCampaign({ workspaceId: workspace.id, userId: user?.id ?? null, input }) }, { status: 201 });
  },
  { roles: CAMPAIGN_EDITOR_ROLES },
);
