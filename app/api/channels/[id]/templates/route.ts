// GET /api/channels/[id]/templates – the channel's WhatsApp message templates as last synced
import { withWorkspace } from "@/lib/auth/with-workspace";
import { listChannelTemplates } from "@/lib/channels/templates/list-templates";

export const GET = withWorkspace(async (_req, { workspace, params }) => Response.json(await listChannelTemplates({ workspaceId: workspace.id, channelId: params.id })));
