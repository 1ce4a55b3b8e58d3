import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { readNodeBody } from "@/lib/http/read-node-body";
import { errorReply } from "@/lib/http/respond";
import { securityHeaders } from "@/lib/http/security-headers";
import { acceptInstagramDelivery, acceptTwilioDelivery, acceptWhatsAppDelivery } from "./endpoints";
import type { WebhookReply, WebhookRequest } from "./webhook-request";

const SECURITY_HEADERS = Object.fromEntries(securityHeaders.map(({ key, value }) => [key, value]));

/**
 * The webhook deliveries (POST /api/webhooks/...) straight from node:http, for the listener of
 * `npm start` (scripts/server.ts): the same endpoint code as the Next.js route handlers, without
 * the framework's routing and Web Request/Response adaptation, which cost most of the CPU of an
 * acknowledgement (bench/RESULTS.md). Returns false, touching nothing, for any other request:
 * the caller hands it to Next.js. Never throws: errors become the same JSON answers withErrors
 * gives.
 */
export function handleNodeWebhook(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== "POST" || !req.url?.startsWith("/api/webhooks/")) return false;
  const accept = matchDelivery(req.url);
  if (!accept) return false;
  const gone = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) gone.abort();
  });
  const request: WebhookRequest = {
    url: `http://${req.headers.host ?? "localhost"}${req.url}`,
    signal: gone.signal,
    header: (name) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value.join(", ") : (value ?? null);
    },
    readBody: (maxBytes) => readNodeBody(req, maxBytes),
  };
  accept(request).then(
    (reply) => send(res, reply),
    (error: unknown) => send(res, errorReply(error), { close: !req.complete }),
  );
  return true;
}

type Accept = (request: WebhookRequest) => Promise<WebhookReply>;

/** The delivery endpoint a path names, as app/api/webhooks/** routes it; null for anything else. */
function matchDelivery(url: string): Accept | null {
  const query = url.indexOf("?");
  const segments = (query === -1 ? url : url.slice(0, query)).split("/").slice(3);
  let decoded: string[];
  try {
    decoded = segments.map((segment) => decodeURIComponent(segment));
  } catch {
    return null;
  }
  if (decoded.some((segment) => segment === "" || segment.includes("/"))) return null;
  const [provider, channelId, extra] = decoded;
  if (provider === "instagram" && decoded.length === 1) return (request) => acceptInstagramDelivery({ request });
  if (provider === "whatsapp" && decoded.length === 2) return (request) => acceptWhatsAppDelivery({ request, channelId });
  if (provider === "twilio" && decoded.length === 2) return (request) => acceptTwilioDelivery({ request, channelId, kind: "inbound" });
  if (provider === "twilio" && decoded.length === 3 && extra === "status") return (request) => acceptTwilioDelivery({ request, channelId, kind: "status" });
  return null;
}

function send(res: ServerResponse, { status, headers, body }: WebhookReply, { close = false } = {}) {
  if (res.headersSent || res.destroyed) return;
  // An unread body (413, or a client that hung up) must not be parsed as the next request.
  const connection = close ? { Connection: "close" } : {};
  res.writeHead(status, { ...SECURITY_HEADERS, ...headers, ...connection, "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}
