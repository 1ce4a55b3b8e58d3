// POST /api/channels/[id]/templates/sync – fetch every template of the WABA from Meta (idempotent)
import { withWorkspace } from "@/lib/auth/with-workspace";
import { syncWhatsAppTemplates } from "@/lib/channels/templates/sync-whatsapp-templates";

export const POST = withWorkspace(
  async (_req, { workspace, params }) => Response.json(await syncWhatsAppTemplates({ workspaceId: workspace.id, channelId: params.id })),
  { roles: ["owner", "admin"] },
);
