// GET /api/channels – the workspace's channels (REST API: API key or session + X-Workspace)
import { withWorkspace } from "@/lib/auth/with-workspace";
import { listChannels } from "@/lib/channels/list-channels";

export const GET = withWorkspace(async (_req, { workspace }) => Response.json({ channels: await listChannels(workspace.id) }));
