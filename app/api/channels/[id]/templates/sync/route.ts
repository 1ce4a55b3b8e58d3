// POST /api/channels/[id]/templates/sync – fetch every template of the channel (WhatsApp Cloud API or Twilio Content) (idempotent)
import { withWorkspace } from "@/lib/auth/with-workspace";
import { syncChannelTemplates } from "@/lib/channels/templates/sync-channel-templates";

export const POST = withWorkspace(
  async (_req, { workspace, params }) => Response.json(await syncChannelTemplates({ workspaceId: workspace.id, channelId: params.id })),
  { roles: ["owner", "admin"] },
);
