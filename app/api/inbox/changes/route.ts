// GET /api/inbox/changes – what changed since a sync cursor (?since=&status=&channelId=&assignee=&unread=&conversationId=)
import { withWorkspace } from "@/lib/auth/with-workspace";
import { getInboxChanges, inboxChangesQuerySchema } from "@/lib/inbox/changes";

export const GET = withWorkspace(async (req, { workspace, user }) => {
  const query = inboxChangesQuerySchema.parse(Object.fromEntries(new URL(req.url).searchParams));
  const { isUnchanged, ...changes } = await getInboxChanges({ workspaceId: workspace.id, userId: user?.id ?? null, query });
  // no-store: a browser must never answer a poll from its cache (a replayed old delta would undo newer state).
  const headers = { ETag: `"${changes.syncCursor}"`, "Cache-Control": "no-store" };
  return isUnchanged ? new Response(null, { status: 304, headers }) : Response.json(changes, { headers });
});
