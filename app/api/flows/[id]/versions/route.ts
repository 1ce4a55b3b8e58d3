// GET /api/flows/[id]/versions – the published versions, newest first, with who published them
import { withWorkspace } from "@/lib/auth/with-workspace";
import { listFlowVersions } from "@/lib/flows/manage/list-flow-versions";

export const GET = withWorkspace(async (_req, { workspace, params }) => Response.json({ versions: await listFlowVersions({ workspaceId: workspace.id, flowId: params.id }) }));
