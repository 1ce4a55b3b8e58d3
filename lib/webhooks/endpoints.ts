import "server-only";
import { AppError } from "@/lib/http/errors";
import { logger } from "@/lib/logger";
import { getWebhookChannel } from "@/lib/channels/get-webhook-channel";
import { readCredentials } from "@/lib/channels/credentials";
import { verifyMetaChallenge } from "@/lib/channels/meta/verify-challenge";
import { receiveMetaWebhook } from "./receive-meta-webhook";
import { receiveTwilioWebhook } from "./receive-twilio-webhook";
import { fromWebRequest, toWebResponse, type WebhookReply, type WebhookRequest } from "./webhook-request";

// The provider-facing endpoints. Each resolves its secret, then hands over to the verifier.
// Unknown channels answer 404 before the body is read, and so do disconnected ones (their
// credentials are deleted): fail closed, nothing unverifiable is ever stored.
// The deliveries (POST) are written against WebhookRequest, so the node:http listener of
// `npm start` (handle-node-webhook.ts) serves them with the very same code as the routes.

export type EndpointOptions = { req: Request; channelId: string };

export type DeliveryOptions = { request: WebhookRequest; channelId: string };

export type TwilioDeliveryOptions = DeliveryOptions & { kind: "inbound" | "status" };

export async function acceptWhatsAppDelivery({ request, channelId }: DeliveryOptions): Promise<WebhookReply> {
  const channel = await getWebhookChannel({ channelId, type: "whatsapp_cloud" });
  if (!channel?.credentialsEncrypted) throw notFound();
  const { appSecret } = readCredentials("whatsapp_cloud", channel.credentialsEncrypted);
  return receiveMetaWebhook({ request, provider: "whatsapp_cloud", expectedObject: "whatsapp_business_account", appSecret, channelId, workspaceId: channel.workspaceId });
}

export async function acceptInstagramDelivery({ request }: { request: WebhookRequest }): Promise<WebhookReply> {
  const appSecret = process.env.META_APP_SECRET;
  if (!appSecret) throw new AppError({ code: "not_found", message: "Instagram is not configured on this server" });
  // Platform-wide endpoint: entry[].id routes each entry to its channel in the job.
  return receiveMetaWebhook({ request, provider: "instagram", expectedObject: "instagram", appSecret });
}

export async function acceptTwilioDelivery({ request, channelId, kind }: TwilioDeliveryOptions): Promise<WebhookReply> {
  const channel = await getWebhookChannel({ channelId, type: "twilio_whatsapp" });
  if (!channel?.credentialsEncrypted) throw notFound();
  const { authToken } = readCredentials("twilio_whatsapp", channel.credentialsEncrypted);
  return receiveTwilioWebhook({ request, kind, channelId, workspaceId: channel.workspaceId, authToken });
}

// Route handler adapters (Web Request → Response).

export async function receiveWhatsAppDelivery({ req, channelId }: EndpointOptions): Promise<Response> {
  return toWebResponse(await acceptWhatsAppDelivery({ request: fromWebRequest(req), channelId }));
}

export async function receiveInstagramDelivery({ req }: { req: Request }): Promise<Response> {
  return toWebResponse(await acceptInstagramDelivery({ request: fromWebRequest(req) }));
}

export async function receiveTwilioDelivery({ req, channelId, kind }: EndpointOptions & { kind: "inbound" | "status" }): Promise<Response> {
  return toWebResponse(await acceptTwilioDelivery({ request: fromWebRequest(req), channelId, kind }));
}

// Meta's subscription checks (GET): rare, served by the route handlers only.

export async function answerWhatsAppVerification({ req, channelId }: EndpointOptions): Promise<Response> {
  const channel = await getWebhookChannel({ channelId, type: "whatsapp_cloud" });
  if (!channel?.credentialsEncrypted) throw notFound();
  const { verifyToken } = readCredentials("whatsapp_cloud", channel.credentialsEncrypted);
  return challengeResponse(req, verifyToken);
}

export async function answerInstagramVerification({ req }: { req: Request }): Promise<Response> {
  const verifyToken = process.env.META_VERIFY_TOKEN;
  if (!verifyToken) {
    logger.warn("Instagram webhook verification refused: META_VERIFY_TOKEN is not set");
    return new Response("Forbidden", { status: 403 });
  }
  return challengeResponse(req, verifyToken);
}

function challengeResponse(req: Request, verifyToken: string) {
  const challenge = verifyMetaChallenge({ searchParams: new URL(req.url).searchParams, verifyToken });
  if (challenge === null) return new Response("Forbidden", { status: 403 });
  return new Response(challenge, { status: 200, headers: { "Content-Type": "text/plain" } });
}

function notFound() {
  return new AppError({ code: "not_found", message: "Unknown channel" });
}
