import "server-only";
import { z } from "zod";
import { buildGraphUrl } from "@/lib/channels/config";
import { requestProvider } from "@/lib/channels/http";
import { classifyGraphError } from "@/lib/channels/provider-error";
import { logger } from "@/lib/logger";
import { whatsAppNumberCheckError, whatsAppSubscribeError } from "./connect-errors";

// The live checks behind "Connect WhatsApp": nothing is stored unless Meta confirms the number
// with this token and subscribes the app to the WABA's webhooks. The token travels in the
// Authorization header only, and is passed as a secret so no error can echo it.

const phoneNumberSchema = z.object({
  id: z.string().optional(),
  display_phone_number: z.string().min(1),
  verified_name: z.string().min(1),
  quality_rating: z.string().optional(),
});

export type WhatsAppNumberProfile = { displayPhoneNumber: string; verifiedName: string; qualityRating: string | null };

type TokenOptions = { accessToken: string };

/**
 * GET /{phone-number-id}?fields=display_phone_number,verified_name,quality_rating.
 * Throws AppError 422 (field accessToken or phoneNumberId) or 502 when Meta is unreachable.
 */
export async function fetchWhatsAppNumber({ phoneNumberId, accessToken }: TokenOptions & { phoneNumberId: string }): Promise<WhatsAppNumberProfile> {
  const url = `${buildGraphUrl(encodeURIComponent(phoneNumberId))}?fields=display_phone_number,verified_name,quality_rating`;
  const answer = await requestGraph({ url, accessToken });
  if (!answer.ok) throw whatsAppNumberCheckError(classifyGraphError({ ...answer, secrets: [accessToken] }));
  const parsed = phoneNumberSchema.safeParse(answer.body);
  if (!parsed.success) {
    throw whatsAppNumberCheckError(classifyGraphError({ status: 400, body: { error: { code: 100, message: "The ID is not a WhatsApp phone number" } } }));
  }
  return { displayPhoneNumber: parsed.data.display_phone_number, verifiedName: parsed.data.verified_name, qualityRating: parsed.data.quality_rating ?? null };
}

/**
 * POST /{waba-id}/subscribed_apps: Meta then delivers the WABA's messages, statuses and template
 * updates to the app's webhook (the callback URL the owner sets in the app). Idempotent at Meta.
 * Throws AppError 422 (field wabaId) or 502.
 */
export async function subscribeWhatsAppApp({ wabaId, accessToken }: TokenOptions & { wabaId: string }): Promise<void> {
  const answer = await requestGraph({ url: buildGraphUrl(`${encodeURIComponent(wabaId)}/subscribed_apps`), accessToken, method: "POST" });
  if (!answer.ok) throw whatsAppSubscribeError(classifyGraphError({ ...answer, secrets: [accessToken] }));
}

/**
 * DELETE /{object-id}/subscribed_apps (a WABA, or a Page for Instagram), best effort: a failure
 * is logged and never blocks a disconnect (the owner may already have revoked the token).
 * Returns whether Meta confirmed.
 */
export async function unsubscribeMetaApp({ objectId, accessToken, channelId }: TokenOptions & { objectId: string; channelId: string }): Promise<boolean> {
  try {
    const answer = await requestGraph({ url: buildGraphUrl(`${encodeURIComponent(objectId)}/subscribed_apps`), accessToken, method: "DELETE" });
    if (answer.ok) return true;
    const error = classifyGraphError({ ...answer, secrets: [accessToken] });
    logger.warn({ channelId, code: error.code, reason: error.reason }, "could not unsubscribe the app from Meta webhooks; disconnecting anyway");
  } catch (error) {
    logger.warn({ channelId, err: { message: error instanceof Error ? error.message : String(error) } }, "could not reach Meta to unsubscribe; disconnecting anyway");
  }
  return false;
}

const debugTokenSchema = z.object({ data: z.object({ is_valid: z.boolean().optional(), expires_at: z.number().optional() }) });

/**
 * When the token expires, from GET /debug_token (a token may inspect itself). System-user tokens
 * never expire (expires_at 0 → null). Best effort: null when Meta does not say.
 */
export async function readWhatsAppTokenExpiry({ accessToken }: TokenOptions): Promise<Date | null> {
  try {
    const url = `${buildGraphUrl("debug_token")}?input_token=${encodeURIComponent(accessToken)}`;
    const answer = await requestGraph({ url, accessToken });
    if (!answer.ok) return null;
    const parsed = debugTokenSchema.safeParse(answer.body);
    const expiresAt = parsed.success ? parsed.data.data.expires_at : undefined;
    return expiresAt && expiresAt > 0 ? new Date(expiresAt * 1000) : null;
  } catch {
    return null;
  }
}

type RequestGraphOptions = { url: string; accessToken: string; method?: "GET" | "POST" | "DELETE" };

function requestGraph({ url, accessToken, method = "GET" }: RequestGraphOptions) {
  return requestProvider({ url, method, headers: { Authorization: `Bearer ${accessToken}` }, secrets: [accessToken], timeoutMs: 10_000 });
}
