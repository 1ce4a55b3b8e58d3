import "server-only";
import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";

// Attachments are served at /api/attachments/<id>/<token> without a session: Meta and Twilio
// fetch them when a message is sent. The token is HMAC-SHA256(key, id), base64url, so a URL
// cannot be guessed from an id, and nothing needs storing. The key is derived from
// NEXTAUTH_SECRET with HKDF under its own label, so it is never the session-signing key itself.
// Rotating NEXTAUTH_SECRET invalidates old attachment URLs (messages already sent keep their copy
// at the provider).

function signingKey(): Buffer {
  const secret = process.env.NEXTAUTH_SECRET;
  if (!secret) throw new Error("NEXTAUTH_SECRET is not set");
  return Buffer.from(hkdfSync("sha256", secret, "switchboard", "attachment-url v1", 32));
}

/** The URL token of an attachment id. */
export function attachmentToken(id: string): string {
  return createHmac("sha256", signingKey()).update(id).digest("base64url");
}

/** True when `token` is the token of `id`, compared in constant time. */
export function verifyAttachmentToken(id: string, token: string): boolean {
  const expected = Buffer.from(attachmentToken(id));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export type AttachmentUrlOptions = { baseUrl: string; id: string };

/** The public URL providers fetch the attachment from. */
export function attachmentUrl({ baseUrl, id }: AttachmentUrlOptions): string {
  return `${baseUrl.replace(/\/+$/, "")}/api/attachments/${encodeURIComponent(id)}/${attachmentToken(id)}`;
}
