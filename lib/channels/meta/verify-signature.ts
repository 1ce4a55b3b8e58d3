import { createHmac, timingSafeEqual } from "node:crypto";

export type VerifyMetaSignatureOptions = {
  /** The request body exactly as received: re-serialised JSON would not match the signature. */
  rawBody: Uint8Array | Buffer;
  /** The `X-Hub-Signature-256` header value, e.g. `sha256=0c61…`; null when the header is absent. */
  header: string | null;
  /** The Meta app secret of the app the webhook is subscribed with. */
  appSecret: string;
};

const PREFIX = "sha256=";
// 32 bytes of HMAC-SHA256 as hex. Meta sends lowercase; any case decodes to the same bytes.
const HEX_DIGEST = /^[0-9a-f]{64}$/i;

/**
 * Checks Meta's `X-Hub-Signature-256` header (Instagram and WhatsApp Cloud webhooks): HMAC-SHA256
 * of the raw body keyed with the app secret, hex, after `sha256=`. Compares in constant time.
 * Returns false (never throws) for a missing, malformed or wrong-length header, or an empty secret.
 */
export function verifyMetaSignature({ rawBody, header, appSecret }: VerifyMetaSignatureOptions): boolean {
  if (!appSecret || !header) return false;
  const value = header.trim();
  if (!value.startsWith(PREFIX)) return false;
  const hex = value.slice(PREFIX.length);
  // Buffer.from(…, "hex") silently drops bad characters, so the shape is checked first.
  if (!HEX_DIGEST.test(hex)) return false;

  const received = Buffer.from(hex, "hex");
  const expected = createHmac("sha256", appSecret).update(rawBody).digest();
  return received.length === expected.length && timingSafeEqual(received, expected);
}
