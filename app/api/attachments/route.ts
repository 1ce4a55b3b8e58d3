// POST /api/attachments – store a file for the composer (multipart `file`, or JSON { url } fetched by the server)
import { withWorkspace } from "@/lib/auth/with-workspace";
import { createAttachment, readAttachmentUpload } from "@/lib/attachments/create-attachment";
import { getPublicBaseUrl } from "@/lib/channels/connect/public-url";

export const POST = withWorkspace(
  async (req, { workspace, user }) => {
    const upload = await readAttachmentUpload(req);
    const attachment = await createAttachment({ workspaceId: workspace.id, userId: user?.id ?? null, upload, baseUrl: getPublicBaseUrl(req) });
    return Response.json({ attachment }, { status: 201 });
  },
  { roles: ["owner", "admin", "agent"] },
);
