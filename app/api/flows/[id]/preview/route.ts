// GET /api/flows/[id]/preview – the signed-in user's preview chat of the flow ({ preview } or null);
// POST – { action: "start" } (re)starts it on the stored draft (422 lists the draft's errors), { action: "skip_wait" } ends the wait
import { withWorkspace } from "@/lib/auth/with-workspace";
import { parseBody } from "@/lib/http/parse-body";
import { FLOW_EDITOR_ROLES } from "@/lib/flows/manage/schemas";
import { getFlowPreview, previewRefusedMessage, previewUserOf, skipPreviewWait, startFlowPreview } from "@/lib/flows/preview/flow-preview";
import { previewCommandSchema } from "@/lib/flows/preview/preview-schemas";

// Agents only look at flows: the preview runs the flow, so it is for the roles that build them.
const options = { roles: FLOW_EDITOR_ROLES, sessionOnly: true };

export const GET = withWorkspace(async (_req, { workspace, user, params }) => {
  return Response.json({ preview: await getFlowPreview({ workspaceId: workspace.id, flowId: params.id, user: previewUserOf(user) }) });
}, options);

export const POST = withWorkspace(async (req, { workspace, user, params }) => {
  const { action } = previewCommandSchema.parse(await parseBody(req));
  const target = { workspaceId: workspace.id, flowId: params.id, user: previewUserOf(user) };
  if (action === "skip_wait") return Response.json({ preview: await skipPreviewWait(target) });
  const result = await startFlowPreview(target);
  if (!result.ok) return Response.json({ error: { code: "unprocessable", message: previewRefusedMessage(result.issues) }, issues: result.issues }, { status: 422 });
  return Response.json({ preview: result.preview }, { status: 201 });
}, options);
