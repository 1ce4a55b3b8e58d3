import "server-only";
import { readBytes } from "@/lib/http/parse-body";

// The webhook endpoints run in two HTTP layers: Next.js route handlers (Web Request/Response;
// `next dev`, Vercel) and the node:http listener `npm start` serves them from (see
// handle-node-webhook.ts and README "Architecture"). They are written once against these two
// small types, and each layer adapts its own request and answer.

export type WebhookRequest = {
  /** The URL the provider called, as this server saw it (Twilio signs it). */
  url: string;
  /** A header by lower-case name; null when absent. */
  header: (name: string) => string | null;
  /** The raw body, read once: AppError 413 past maxBytes, 400 when the client hangs up. */
  readBody: (maxBytes: number) => Promise<Buffer>;
  /** Aborted when the client goes away before it has the answer. */
  signal?: AbortSignal;
};

export type WebhookReply = { status: number; headers: Record<string, string>; body: string };

export function fromWebRequest(req: Request): WebhookRequest {
  return { url: req.url, header: (name) => req.headers.get(name), readBody: (maxBytes) => readBytes(req, maxBytes), signal: req.signal };
}

export function toWebResponse({ status, headers, body }: WebhookReply): Response {
  return new Response(body, { status, headers });
}

export function jsonReply(value: unknown, status = 200): WebhookReply {
  return { status, headers: { "Content-Type": "application/json" }, body: JSON.stringify(value) };
}
