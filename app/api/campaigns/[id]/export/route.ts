// GET /api/campaigns/[id]/export – every recipient with status and reason as CSV
import { withWorkspace } from "@/lib/auth/with-workspace";
import { campaignFileName, exportRecipientsCsv } from "@/lib/campaigns/manage/recipients";

export const GET = withWorkspace(async (_req, { workspace, params }) => {
  const fileName = await campaignFileName(workspace.id, params.id);
  const lines = exportRecipientsCsv(workspace.id, params.id);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await lines.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await lines.return(undefined);
    },
  });
  return new Response(body, {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${fileName}"`, "Cache-Control": "no-store" },
  });
});
