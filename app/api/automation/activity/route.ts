// GET /api/automation/activity – the automation activity log, newest first (?cursor=&limit=&result=ok|skipped|failed&flowId=)
import { withWorkspace } from "@/lib/auth/with-workspace";
import { listAutomationActivity, listAutomationActivityQuerySchema } from "@/lib/flows/runner/list-automation-activity";

export const GET = withWorkspace(async (req, { workspace }) => {
  const query = listAutomationActivityQuerySchema.parse(Object.fromEntries(new URL(req.url).searchParams));
  return Response.json(await listAutomationActivity({ workspaceId: workspace.id, query }));
});
