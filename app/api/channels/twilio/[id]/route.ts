// PUT /api/channels/twilio/[id] – new Account SID / Auth Token for a Twilio channel, checked live; also "Reconnect"
import { withWorkspace } from "@/lib/auth/with-workspace";
import { updateTwilioChannel } from "@/lib/channels/connect/connect-twilio";
import { getPublicBaseUrl } from "@/lib/channels/connect/public-url";
import { updateTwilioSchema } from "@/lib/channels/connect/schemas";
import { parseBody } from "@/lib/http/parse-body";

export const PUT = withWorkspace(
  async (req, { workspace, params }) => {
    const input = updateTwilioSchema.parse(await parseBody(req));
    const result = await updateTwilioChannel({ workspaceId: workspace.id, channelId: params.id, input, baseUrl: getPublicBaseUrl(req) });
    return Response.json(result, { headers: { "Cache-Control": "no-store" } });
  },
  { roles: ["owner", "admin"] },
);
