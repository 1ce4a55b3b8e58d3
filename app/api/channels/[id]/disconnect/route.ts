// POST /api/channels/[id]/disconnect – unsubscribe webhooks, delete credentials; conversations are kept
import { withWorkspace } from "@/lib/auth/with-workspace";
import { disconnectChannel } from "@/lib/channels/connect/disconnect-channel";

export const POST = withWorkspace(
  async (_req, { workspace, user, params }) => Response.json(await disconnectChannel({ workspaceId: workspace.id, channelId: params.id, userId: user?.id ?? null })),
  { roles: ["owner", "admin"] },
);
