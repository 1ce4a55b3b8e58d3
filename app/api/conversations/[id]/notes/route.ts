// GET /api/conversations/[id]/notes – the conversation's internal notes
// POST /api/conversations/[id]/notes – add a note ({ body })
import { withWorkspace } from "@/lib/auth/with-workspace";
import { parseBody } from "@/lib/http/parse-body";
import { createNote, createNoteSchema } from "@/lib/inbox/create-note";
import { listNotes } from "@/lib/inbox/list-notes";

export const GET = withWorkspace(async (_req, { workspace, params }) => {
  return Response.json(await listNotes({ workspaceId: workspace.id, conversationId: params.id }));
});

export const POST = withWorkspace(
  async (req, { workspace, user, params }) => {
    const input = createNoteSchema.parse(await parseBody(req));
    return Response.json(await createNote({ workspaceId: workspace.id, conversationId: params.id, authorId: user?.id ?? null, input }), { status: 201 });
  },
  { roles: ["owner", "admin", "agent"] },
);
