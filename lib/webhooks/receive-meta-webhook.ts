import "server-only";
import { AppError } from "@/lib/http/errors";
import { logger } from "@/lib/logger";
import { verifyMetaSignature } from "@/lib/channels/meta/verify-signature";
import type { WebhookProvider } from "@/lib/generated/prisma/enums";
import { storeWebhookEvent } from "./store-webhook-event";
import { consumeWebhookRateLimit } from "./rate-limit";
import { jsonReply, type WebhookReply, type WebhookRequest } from "./webhook-request";

// Meta documents webhook payloads of up to 3 MB (batches of up to 1,000 updates); keep headroom.
export const META_MAX_BODY_BYTES = 4 * 1024 * 1024;

export type ReceiveMetaWebhookOptions = {
  request: WebhookRequest;
  provider: Extract<WebhookProvider, "instagram" | "whatsapp_cloud">;
  /** The `object` this endpoint accepts ("instagram", "whatsapp_business_account"). */
  expectedObject: string;
  appSecret: string;
  channelId?: string;
  workspaceId?: string;
};

/**
 * Verifies the X-Hub-Signature-256 over the raw bytes before anything else, then stores the
 * delivery durably and answers. 401 on a bad signature (nothing stored), 400 on malformed
 * JSON, 200 for an unknown `object` (logged: an error would make Meta disable the webhook).
 */
export async function receiveMetaWebhook({ request, provider, expectedObject, appSecret, channelId, workspaceId }: ReceiveMetaWebhookOptions): Promise<WebhookReply> {
  await consumeWebhookRateLimit(channelId ?? provider);
  const raw = await request.readBody(META_MAX_BODY_BYTES);
  if (!verifyMetaSignature({ rawBody: raw, header: request.header("x-hub-signature-256"), appSecret })) {
    logger.warn({ provider, channelId, bytes: raw.length }, "webhook rejected: bad or missing signature");
    throw new AppError({ code: "unauthorized", message: "Invalid signature" });
  }
  const text = raw.toString("utf8");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    logger.warn({ provider, channelId }, "webhook rejected: malformed JSON");
    throw new AppError({ code: "bad_request", message: "The body is not valid JSON" });
  }
  const object = typeof body === "object" && body !== null && "object" in body ? (body as { object: unknown }).object : undefined;
  if (object !== expectedObject) {
    logger.info({ provider, channelId, object: typeof object === "string" ? object : typeof object }, "webhook ignored: unknown object");
    return jsonReply({ status: "ignored" });
  }
  const stored = await storeWebhookEvent({ provider, channelId, workspaceId, endpoint: channelId ?? provider, body: text, contentType: "application/json", signal: request.signal });
  return jsonReply({ status: stored.duplicate ? "duplicate" : "stored" });
}
