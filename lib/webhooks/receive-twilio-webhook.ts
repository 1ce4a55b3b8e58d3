import "server-only";
import { AppError } from "@/lib/http/errors";
import { logger } from "@/lib/logger";
import { verifyTwilioSignature } from "@/lib/channels/twilio/verify-signature";
import { parseTwilioForm } from "@/lib/channels/twilio/parse-form";
import { storeWebhookEvent } from "./store-webhook-event";
import { consumeWebhookRateLimit } from "./rate-limit";
import type { WebhookReply, WebhookRequest } from "./webhook-request";

const TWILIO_MAX_BODY_BYTES = 1024 * 1024;

export type ReceiveTwilioWebhookOptions = {
  request: WebhookRequest;
  kind: "inbound" | "status";
  channelId: string;
  workspaceId: string;
  authToken: string;
};

/**
 * Verifies X-Twilio-Signature (HMAC-SHA1 over the public URL + sorted form params) before
 * storing. The URL must be the one Twilio called: behind a proxy that is NEXTAUTH_URL + path.
 */
export async function receiveTwilioWebhook({ request, kind, channelId, workspaceId, authToken }: ReceiveTwilioWebhookOptions): Promise<WebhookReply> {
  await consumeWebhookRateLimit(channelId);
  const raw = (await request.readBody(TWILIO_MAX_BODY_BYTES)).toString("utf8");
  const params = parseTwilioForm(raw);
  const url = publicUrl(request.url);
  if (!verifyTwilioSignature({ url, params, header: request.header("x-twilio-signature"), authToken })) {
    logger.warn({ provider: "twilio_whatsapp", channelId, kind }, "webhook rejected: bad or missing signature");
    throw new AppError({ code: "unauthorized", message: "Invalid signature" });
  }
  const body = JSON.stringify({ kind, params });
  const stored = await storeWebhookEvent({ provider: "twilio_whatsapp", channelId, workspaceId, endpoint: `${channelId}:${kind}`, body, contentType: "application/json", signal: request.signal });
  // Twilio accepts an empty TwiML response: no auto-reply from Twilio itself.
  return {
    status: 200,
    headers: { "Content-Type": "text/xml", "X-Switchboard-Stored": stored.duplicate ? "duplicate" : "stored" },
    body: "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>",
  };
}

/** The URL Twilio called: NEXTAUTH_URL's origin (the public one, behind a proxy) + the path and query seen here. */
export function publicUrl(requestUrl: string): string {
  const url = new URL(requestUrl);
  const base = process.env.NEXTAUTH_URL;
  return base ? new URL(url.pathname + url.search, base).toString() : url.toString();
}
