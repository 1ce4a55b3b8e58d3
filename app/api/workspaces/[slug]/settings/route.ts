// GET /api/workspaces/[slug]/settings – inbox settings; PATCH – change them (owner, admin)
import { withWorkspace } from "@/lib/auth/with-workspace";
import { parseBody } from "@/lib/http/parse-body";
import { getWorkspaceSettings, updateWorkspaceSettings, workspaceSettingsPatchSchema } from "@/lib/workspaces/settings";

export const GET = withWorkspace(async (_req, { workspace }) => Response.json({ settings: await getWorkspaceSettings(workspace.id) }));

export const PATCH = withWorkspace(
  async (req, { workspace }) => {
    const patch = workspaceSettingsPatchSchema.parse(await parseBody(req));
    return Response.json({ settings: await updateWorkspaceSettings({ workspaceId: workspace.id, patch }) });
  },
  { roles: ["owner", "admin"] },
);
