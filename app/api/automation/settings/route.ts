// GET /api/automation/settings – auto-reply, welcome / away messages, business hours, fallback flow; PATCH – change them (owner, admin)
import { withWorkspace } from "@/lib/auth/with-workspace";
import { parseBody } from "@/lib/http/parse-body";
import { automationSettingsPatchSchema, getAutomationSettings, updateAutomationSettings } from "@/lib/workspaces/settings";

export const GET = withWorkspace(async (_req, { workspace }) => Response.json({ settings: await getAutomationSettings(workspace.id) }));

export const PATCH = withWorkspace(
  async (req, { workspace }) => {
    const patch = automationSettingsPatchSchema.parse(await parseBody(req));
    return Response.json({ settings: await updateAutomationSettings({ workspaceId: workspace.id, patch }) });
  },
  { roles: ["owner", "admin"] },
);
