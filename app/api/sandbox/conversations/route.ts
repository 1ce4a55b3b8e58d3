// GET /api/sandbox/conversations – the Sandbox channel's conversations (simulator panel)
import { withWorkspace } from "@/lib/auth/with-workspace";
import { listSandboxConversations } from "@/lib/sandbox/list-sandbox-conversations";

export const GET = withWorkspace(async (_req, { workspace }) => Response.json({ conversations: await listSandboxConversations(workspace.id) }));
