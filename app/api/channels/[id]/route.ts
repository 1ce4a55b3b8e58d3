// GET /api/channels/[id] – a channel's health: status, token expiry, last webhook, token log, setup URLs
import { withWorkspace } from "@/lib/auth/with-workspace";
import { getChannelDetails } from "@/lib/channels/connect/get-channel-details";
import { getPublicBaseUrl } from "@/lib/channels/connect/public-url";
import { canManageWorkspace } from "@/lib/workspaces/role-labels";

// Every member may look; credential hints and the verify token are for owners and admins only.
export const GET = withWorkspace(async (req, { workspace, role, params }) => {
  const details = await getChannelDetails({ workspaceId: workspace.id, channelId: params.id, canManage: canManageWorkspace(role), baseUrl: getPublicBaseUrl(req) });
  return Response.json(details, { headers: { "Cache-Control": "no-store" } });
});
