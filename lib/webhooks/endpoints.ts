import "server-only";
import { AppError } from "@/lib/http/errors";
import { logger } from "@/lib/logger";
import { getWebhookChannel } from "@/lib/channels/get-webhook-channel";
import { readCredentials } from "@/lib/channels/credentials";
import { verifyMetaChallenge } from "@/lib/channels/meta/verify-challenge";
import { receiveMetaWebhook } from "./receive-meta-webhook";
import { receiveTwilioWebhook } from "./receive-twilio-webhook";

// The provider-facing endpoints. Each resolves its secret, then hands over to the verifier.
// Unknown channels answer 404 before the body is read, and so do disconnected ones (their
// credentials are deleted): fail closed, nothing unverifiable is ever stored.

export type EndpointOptions = { req: Request; channelId: string };

export async function answerWhatsAppVerification({ req, channelId }: EndpointOptions): Promise<Response> {
  const channel = await getWebhookChannel({ channelId, type: "whatsapp_cloud" });
  if (!channel?.credentialsEncrypted) throw notFound();
  const { verifyToken } = readCredentials("whatsapp_cloud", channel.credentialsEncrypted);
  return challengeResponse(req, verifyToken);
}

export async function receiveWhatsAppDelivery({ req, channelId }: EndpointOptions): Promise<Response> {
  const channel = await getWebhookChannel({ channelId, type: "whatsapp_cloud" });
  if (!channel?.credentialsEncrypted) throw notFound();
  const { appSecret } = readCredentials("whatsapp_cloud", channel.credentialsEncrypted);
  return receiveMetaWebhook({ req, provider: "whatsapp_cloud", expectedObject: "whatsapp_business_account", appSecret, channelId, workspaceId: channel.workspaceId });
}

export async function answerInstagramVerification({ req }: { req: Request }): Promise<Response> {
  const verifyToken = process.env.META_VERIFY_TOKEN;
  if (!verifyToken) {
    logger.warn("Instagram webhook verification refused: META_VERIFY_TOKEN is not set");
    return new Response("Forbidden", { status: 403 });
  }
  return challengeResponse(req, verifyToken);
}

export async function receiveInstagramDelivery({ req }: { req: Request }): Promise<Response> {
  const appSecret = process.env.META_APP_SECRET;
  if (!appSecret) throw new AppError({ code: "not_found", message: "Instagram is not configured on this server" });
  // Platform-wide endpoint: entry[].id routes each entry to its channel in the job.
  return receiveMetaWebhook({ req, provider: "instagram", expectedObject: "instagram", appSecret });
}

export type TwilioEndpointOptions = EndpointOptions & { kind: "inbound" | "status" };

export async function receiveTwilioDelivery({ req, channelId, kind }: TwilioEndpointOptions): Promise<Response> {
  const channel = await getWebhookChannel({ channelId, type: "twilio_whatsapp" });
  if (!channel?.credentialsEncrypted) throw notFound();
  const { authToken } = readCredentials("twilio_whatsapp", channel.credentialsEncrypted);
  return receiveTwilioWebhook({ req, kind, channelId, workspaceId: channel.workspaceId, authToken });
}

function challengeResponse(req: Request, verifyToken: string) {
  const challenge = verifyMetaChallenge({ searchParams: new URL(req.url).searchParams, verifyToken });
  if (challenge === null) return new Response("Forbidden", { status: 403 });
  return new Response(challenge, { status: 200, headers: { "Content-Type": "text/plain" } });
}

function notFound() {
  return new AppError({ code: "not_found", message: "Unknown channel" });
}
