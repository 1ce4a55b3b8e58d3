// GET /api/campaigns/[id]/export – every recipient with status and reason as CSV (REST API: API key or X-Workspace)
import { withWorkspace } from "@/lib/auth/with-workspace";
import { exportRecipientsCsv } from "@/lib/campaigns/manage/export-recipients";

export const GET = withWorkspace((_req, { workspace, params }) => exportRecipientsCsv({ workspaceId: workspace.id, campaignId: params.id }));
