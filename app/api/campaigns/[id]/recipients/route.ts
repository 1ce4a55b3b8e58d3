// GET /api/campaigns/[id]/recipients – recipients with status and reason (?status=&q=&cursor=&limit=)
import { withWorkspace } from "@/lib/auth/with-workspace";
import { listRecipients, listRecipientsQuerySchema } from "@/lib/campaigns/manage/recipients";

export const GET = withWorkspace(async (req, { workspace, params }) => {
  const query = listRecipientsQuerySchema.parse(Object.fromEntries(new URL(req.url).searchParams));
  return Response.json(await listRecipients(workspace.id, params.id, query));
});
