import "server-only";
import { z } from "zod";
import { AppError } from "@/lib/http/errors";
import { readText } from "@/lib/http/parse-body";
import { logger } from "@/lib/logger";
import { parseSignedRequest } from "./signed-request";

// Meta posts the deauthorize and data-deletion callbacks as a form with one field,
// `signed_request`. Nothing is trusted (or changed) before its signature checks out.

const MAX_BODY_BYTES = 16 * 1024;

const payloadSchema = z.looseObject({
  user_id: z.union([z.string().regex(/^\d{1,40}$/), z.number().int().nonnegative().transform(String)]),
  issued_at: z.number().int().optional(),
});

export type SignedRequestUser = { metaUserId: string; issuedAt?: number };

/**
 * Reads and verifies the signed_request of a Meta callback with META_APP_SECRET. Throws AppError:
 * 415 when the body is not a form, 400 when signed_request is missing or malformed (or names
 * another algorithm, or no user), 401 when the signature is wrong, 503 when no secret is set.
 */
export async function readSignedRequestUser(req: Request): Promise<SignedRequestUser> {
  const contentType = req.headers.get("content-type") ?? "";
  if (!/^application\/x-www-form-urlencoded\b/i.test(contentType)) {
    throw new AppError({ code: "unsupported_media_type", message: "Send signed_request as application/x-www-form-urlencoded" });
  }
  const form = new URLSearchParams(await readText(req, MAX_BODY_BYTES));
  const signedRequest = form.get("signed_request");
  if (!signedRequest) throw new AppError({ code: "bad_request", message: "signed_request is missing" });
  const parsed = parseSignedRequest({ signedRequest, appSecret: process.env.META_APP_SECRET });
  if (!parsed.ok) {
    logger.warn({ reason: parsed.reason }, "meta callback: signed_request refused");
    if (parsed.reason === "no_secret") throw new AppError({ code: "unavailable", message: "This server has no Meta app secret configured", retryAfter: 3600 });
    if (parsed.reason === "bad_signature") throw new AppError({ code: "unauthorized", message: "The signed_request signature is not valid" });
    if (parsed.reason === "unsupported_algorithm") throw new AppError({ code: "bad_request", message: "signed_request must be signed with HMAC-SHA256" });
    throw new AppError({ code: "bad_request", message: "signed_request is malformed" });
  }
  const payload = payloadSchema.safeParse(parsed.payload);
  if (!payload.success) throw new AppError({ code: "bad_request", message: "signed_request names no user" });
  return { metaUserId: payload.data.user_id, issuedAt: payload.data.issued_at };
}
