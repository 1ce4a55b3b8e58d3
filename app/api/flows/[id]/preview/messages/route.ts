// POST /api/flows/[id]/preview/messages – the test customer types { text } or taps { payload, title }; answers the updated preview
import { withWorkspace } from "@/lib/auth/with-workspace";
import { parseBody } from "@/lib/http/parse-body";
import { FLOW_EDITOR_ROLES } from "@/lib/flows/manage/schemas";
import { previewUserOf, sendPreviewMessage } from "@/lib/flows/preview/flow-preview";
import { previewMessageSchema } from "@/lib/flows/preview/preview-schemas";

export const POST = withWorkspace(
  async (req, { workspace, user, params }) => {
    const input = previewMessageSchema.parse(await parseBody(req));
    return Response.json({ preview: await sendPreviewMessage({ workspaceId: workspace.id, flowId: params.id, user: previewUserOf(user), input }) });
  },
  { roles: FLOW_EDITOR_ROLES, sessionOnly: true },
);
