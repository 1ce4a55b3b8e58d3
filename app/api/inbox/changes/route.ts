// GET /api/inbox/changes – what changed since a sync cursor (?since=&status=&channelId=&assignee=&unread=&conversationId=)
// Not wrapped in withWorkspace: the poll authorizes the caller in the same SQL statement that
// reads the changes (lib/inbox/poll/serve-inbox-poll.ts, same rules and answers), and `npm start`
// serves it from node:http with that same function (lib/inbox/poll/handle-node-poll.ts).
import { serveInboxPoll } from "@/lib/inbox/poll/serve-inbox-poll";

export async function GET(req: Request): Promise<Response> {
  const { status, headers, body } = await serveInboxPoll({ url: req.url, header: (name) => req.headers.get(name) });
  return new Response(body, { status, headers });
}
