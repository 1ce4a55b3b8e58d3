// GET /api/automation/credits – automation credit balance and the latest ledger rows (?limit=)
import { withWorkspace } from "@/lib/auth/with-workspace";
import { getAutomationCredits, getAutomationCreditsQuerySchema } from "@/lib/flows/runner/get-automation-credits";

export const GET = withWorkspace(async (req, { workspace }) => {
  const query = getAutomationCreditsQuerySchema.parse(Object.fromEntries(new URL(req.url).searchParams));
  return Response.json(await getAutomationCredits({ workspaceId: workspace.id, query }));
});
