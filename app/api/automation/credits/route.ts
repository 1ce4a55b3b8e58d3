// GET /api/automation/credits – automation credit balance and a page of the ledger (?limit=&cursor=); POST – add credits by hand (owner)
import { withWorkspace } from "@/lib/auth/with-workspace";
import { parseBody } from "@/lib/http/parse-body";
import { addAutomationCredits, addAutomationCreditsSchema } from "@/lib/flows/runner/add-automation-credits";
import { getAutomationCredits, getAutomationCreditsQuerySchema } from "@/lib/flows/runner/get-automation-credits";

export const GET = withWorkspace(async (req, { workspace }) => {
  const query = getAutomationCreditsQuerySchema.parse(Object.fromEntries(new URL(req.url).searchParams));
  return Response.json(await getAutomationCredits({ workspaceId: workspace.id, query }));
});

export const POST = withWorkspace(
  async (req, { workspace }) => {
    const input = addAutomationCreditsSchema.parse(await parseBody(req));
    return Response.json(await addAutomationCredits({ workspaceId: workspace.id, input }), { status: 201 });
  },
  { roles: ["owner"] },
);
