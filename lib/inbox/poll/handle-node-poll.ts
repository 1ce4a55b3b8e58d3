import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { securityHeaders } from "@/lib/http/security-headers";
import { serveInboxPoll } from "./serve-inbox-poll";

const SECURITY_HEADERS = Object.fromEntries(securityHeaders.map(({ key, value }) => [key, value]));
const POLL_PATH = "/api/inbox/changes";

/**
 * The inbox poll (GET /api/inbox/changes) straight from node:http, for the listener of `npm
 * start` (scripts/server.ts): the route handler's code without Next.js's routing and Web
 * Request/Response adaptation, which cost more CPU than the poll itself (bench/RESULTS.md).
 * Returns false, touching nothing, for any other request: the caller hands it to Next.js.
 * Never throws.
 */
export function handleNodePoll(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== "GET" || !req.url) return false;
  const query = req.url.indexOf("?");
  if ((query === -1 ? req.url : req.url.slice(0, query)) !== POLL_PATH) return false;
  const request = {
    // Only the query string is read: the Host header (client-controlled) is not needed.
    url: `http://localhost${req.url}`,
    header: (name: string) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value.join(", ") : (value ?? null);
    },
  };
  void serveInboxPoll(request).then(({ status, headers, body }) => {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(status, { ...SECURITY_HEADERS, ...headers, ...(body === null ? {} : { "Content-Length": Buffer.byteLength(body) }) });
    res.end(body ?? undefined);
  });
  return true;
}
