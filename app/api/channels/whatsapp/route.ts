// POST /api/channels/whatsapp – connect a WhatsApp Cloud API number (checked live with Meta first)
import { withWorkspace } from "@/lib/auth/with-workspace";
import { connectWhatsAppChannel } from "@/lib/channels/connect/connect-whatsapp";
import { getPublicBaseUrl } from "@/lib/channels/connect/public-url";
import { connectWhatsAppSchema } from "@/lib/channels/connect/schemas";
import { parseBody } from "@/lib/http/parse-body";

export const POST = withWorkspace(
  async (req, { workspace }) => {
    const input = connectWhatsAppSchema.parse(await parseBody(req));
    const result = await connectWhatsAppChannel({ workspaceId: workspace.id, input, baseUrl: getPublicBaseUrl(req) });
    // The answer carries the verify token: never cached.
    return Response.json(result, { status: 201, headers: { "Cache-Control": "no-store" } });
  },
  { roles: ["owner", "admin"] },
);
