// GET /api/workspaces/[slug]/campaigns/[id]/export – the recipients CSV as a plain download link
//
// The dashboard's "Export CSV" is an <a href download> to this URL: the workspace is in the path,
// not in an X-Workspace header a link cannot send, so the browser streams the file to disk itself
// (and "Save link as…" works). Authorised like every workspace route (session cookie or API key,
// then membership of that workspace); it only reads, so a cross-site link can start a download
// for a signed-in member but never read it.
import { withWorkspace } from "@/lib/auth/with-workspace";
import { exportRecipientsCsv } from "@/lib/campaigns/manage/export-recipients";

export const GET = withWorkspace((_req, { workspace, params }) => exportRecipientsCsv({ workspaceId: workspace.id, campaignId: params.id }));
