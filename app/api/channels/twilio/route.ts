// POST /api/channels/twilio – connect a Twilio WhatsApp sender (Account SID + Auth Token checked live)
import { withWorkspace } from "@/lib/auth/with-workspace";
import { connectTwilioChannel } from "@/lib/channels/connect/connect-twilio";
import { getPublicBaseUrl } from "@/lib/channels/connect/public-url";
import { connectTwilioSchema } from "@/lib/channels/connect/schemas";
import { parseBody } from "@/lib/http/parse-body";

export const POST = withWorkspace(
  async (req, { workspace }) => {
    const input = connectTwilioSchema.parse(await parseBody(req));
    const result = await connectTwilioChannel({ workspaceId: workspace.id, input, baseUrl: getPublicBaseUrl(req) });
    return Response.json(result, { status: 201, headers: { "Cache-Control": "no-store" } });
  },
  { roles: ["owner", "admin"] },
);
