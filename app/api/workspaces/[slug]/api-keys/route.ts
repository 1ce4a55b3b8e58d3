// GET /api/workspaces/[slug]/api-keys – keys (never their values); POST – create one, shown once
import { createApiKeySchema } from "@/lib/auth/schemas";
import { withWorkspace } from "@/lib/auth/with-workspace";
import { createApiKey, listApiKeys } from "@/lib/auth/api-keys";
import { parseBody } from "@/lib/http/parse-body";

const options = { roles: ["owner", "admin"] as const, sessionOnly: true };

export const GET = withWorkspace(async (_req, { workspace }) => Response.json({ apiKeys: await listApiKeys(workspace.id) }), options);

export const POST = withWorkspace(async (req, { workspace, user }) => {
  const input = createApiKeySchema.parse(await parseBody(req));
  const apiKey = await createApiKey({ workspaceId: workspace.id, name: input.name, role: input.role, createdById: user!.id });
  return Response.json({ apiKey }, { status: 201 });
}, options);
