// PUT /api/channels/whatsapp/[id] – new credentials for a WhatsApp channel, checked live; also "Reconnect"
import { withWorkspace } from "@/lib/auth/with-workspace";
import { updateWhatsAppChannel } from "@/lib/channels/connect/connect-whatsapp";
import { getPublicBaseUrl } from "@/lib/channels/connect/public-url";
import { updateWhatsAppSchema } from "@/lib/channels/connect/schemas";
import { parseBody } from "@/lib/http/parse-body";

export const PUT = withWorkspace(
  async (req, { workspace, params }) => {
    const input = updateWhatsAppSchema.parse(await parseBody(req));
    const result = await updateWhatsAppChannel({ workspaceId: workspace.id, channelId: params.id, input, baseUrl: getPublicBaseUrl(req) });
    return Response.json(result, { headers: { "Cache-Control": "no-store" } });
  },
  { roles: ["owner", "admin"] },
);
