// POST /api/sandbox/messages – the customer simulator sends a message to the Sandbox channel
import { withWorkspace } from "@/lib/auth/with-workspace";
import { parseBody } from "@/lib/http/parse-body";
import { simulateInbound, simulateInboundSchema } from "@/lib/sandbox/simulate-inbound";

export const POST = withWorkspace(async (req, { workspace }) => {
  const input = simulateInboundSchema.parse(await parseBody(req));
  return Response.json(await simulateInbound({ workspaceId: workspace.id, input }), { status: 202 });
});
