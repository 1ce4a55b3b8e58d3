// GET /api/contacts/[id] – a contact with its conversations
// PATCH /api/contacts/[id] – edit name, tags, attributes, opt-out
import { withWorkspace } from "@/lib/auth/with-workspace";
import { getContact } from "@/lib/contacts/get-contact";
import { updateContactSchema } from "@/lib/contacts/schemas";
import { updateContact } from "@/lib/contacts/update-contact";
import { parseBody } from "@/lib/http/parse-body";

export const GET = withWorkspace(async (_req, { workspace, params }) => {
  return Response.json(await getContact({ workspaceId: workspace.id, id: params.id }));
});

export const PATCH = withWorkspace(
  async (req, { workspace, params }) => {
    const input = updateContactSchema.parse(await parseBody(req));
    return Response.json(await updateContact({ workspaceId: workspace.id, id: params.id, input }));
  },
  { roles: ["owner", "admin", "agent"] },
);
