import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";

// Meta's `signed_request` (deauthorize and data-deletion callbacks, Facebook Login docs
// "Parsing the Signed Request"): `base64url(signature) + "." + base64url(JSON payload)`, where
// the signature is HMAC-SHA256 of the payload segment exactly as sent (still encoded), keyed with
// the app secret. base64url without `=` padding. The payload names the algorithm, which must be
// HMAC-SHA256. The signature is checked before the payload is decoded or trusted.

const MAX_LENGTH = 8 * 1024;
const SEGMENT = /^[A-Za-z0-9_-]+={0,2}$/;

export type SignedRequestFailure = "malformed" | "bad_signature" | "unsupported_algorithm" | "no_secret";

export type ParsedSignedRequest =
  | { ok: true; payload: Record<string, unknown> }
  | { ok: false; reason: SignedRequestFailure };

export type ParseSignedRequestOptions = { signedRequest: string | null | undefined; appSecret: string | undefined };

/**
 * Verifies and decodes a signed_request. Never throws: a missing secret, a malformed value, a
 * wrong signature (compared in constant time) or another algorithm are reported as `reason`.
 */
export function parseSignedRequest({ signedRequest, appSecret }: ParseSignedRequestOptions): ParsedSignedRequest {
  if (!appSecret) return { ok: false, reason: "no_secret" };
  if (!signedRequest || signedRequest.length > MAX_LENGTH) return { ok: false, reason: "malformed" };
  const parts = signedRequest.split(".");
  if (parts.length !== 2) return { ok: false, reason: "malformed" };
  const [encodedSignature, encodedPayload] = parts;
  if (!SEGMENT.test(encodedSignature) || !SEGMENT.test(encodedPayload)) return { ok: false, reason: "malformed" };

  const signature = Buffer.from(encodedSignature, "base64url");
  const expected = createHmac("sha256", appSecret).update(encodedPayload).digest();
  if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) return { ok: false, reason: "bad_signature" };

  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(encodedPayload, "base64url").toString("utf8"));
  } catch {
    return { ok: false, reason: "malformed" };
  }
  const object = z.record(z.string(), z.unknown()).safeParse(payload);
  if (!object.success) return { ok: false, reason: "malformed" };
  const algorithm = object.data.algorithm;
  if (typeof algorithm !== "string" || algorithm.toUpperCase() !== "HMAC-SHA256") return { ok: false, reason: "unsupported_algorithm" };
  return { ok: true, payload: object.data };
}

/** Builds a signed_request (tests, the local simulator): the inverse of parseSignedRequest. */
export function signSignedRequest({ payload, appSecret }: { payload: Record<string, unknown>; appSecret: string }): string {
  const encodedPayload = Buffer.from(JSON.stringify({ algorithm: "HMAC-SHA256", ...payload })).toString("base64url");
  const signature = createHmac("sha256", appSecret).update(encodedPayload).digest("base64url");
  return `${signature}.${encodedPayload}`;
}
