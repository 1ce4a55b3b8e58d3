// GET /api/tags – the workspace's contact tags (autocomplete)
import { withWorkspace } from "@/lib/auth/with-workspace";
import { listTags } from "@/lib/contacts/list-tags";

export const GET = withWorkspace(async (_req, { workspace }) => {
  return Response.json(await listTags(workspace.id));
});
