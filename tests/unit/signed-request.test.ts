import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseSignedRequest, signSignedRequest } from "@/lib/meta/signed-request";
import docsVector from "../fixtures/meta-signature/signed-request-facebook-docs-vector.json";
import deletionCallback from "../fixtures/meta-signature/data-deletion-callback.json";

function sign(payloadSegment: string, secret: string) {
  return createHmac("sha256", secret).update(payloadSegment).digest("base64url");
}

describe("parseSignedRequest", () => {
  it("verifies Facebook's documented vector and decodes its payload", () => {
    const result = parseSignedRequest({ signedRequest: docsVector.signed_request, appSecret: docsVector.app_secret });
    expect(result).toEqual({ ok: true, payload: docsVector.decoded_payload });
  });

  it("verifies the data-deletion callback fixture and reads its user id", () => {
    const result = parseSignedRequest({ signedRequest: deletionCallback.request.form.signed_request, appSecret: deletionCallback.app_secret });
    expect(result).toEqual({ ok: true, payload: deletionCallback.decoded_payload });
  });

  it("refuses the vector with another app secret", () => {
    expect(parseSignedRequest({ signedRequest: docsVector.signed_request, appSecret: "another-secret" })).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("refuses a payload changed after signing (another user id, same signature)", () => {
    const [signature] = deletionCallback.request.form.signed_request.split(".");
    const forgedPayload = Buffer.from(JSON.stringify({ ...deletionCallback.decoded_payload, user_id: "999999" })).toString("base64url");
    expect(parseSignedRequest({ signedRequest: `${signature}.${forgedPayload}`, appSecret: "secret" })).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("signs the payload segment as sent: a re-encoded (padded) payload does not verify with the original signature", () => {
    const [signature, payload] = docsVector.signed_request.split(".");
    const padded = `${payload}${"=".repeat((4 - (payload.length % 4)) % 4)}`;
    if (padded !== payload) expect(parseSignedRequest({ signedRequest: `${signature}.${padded}`, appSecret: "secret" }).ok).toBe(false);
  });

  it("refuses a truncated signature or one of the wrong length", () => {
    const [signature, payload] = docsVector.signed_request.split(".");
    expect(parseSignedRequest({ signedRequest: `${signature.slice(0, 20)}.${payload}`, appSecret: "secret" })).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("refuses another algorithm even when correctly signed", () => {
    const payload = Buffer.from(JSON.stringify({ algorithm: "HMAC-SHA1", user_id: "1" })).toString("base64url");
    expect(parseSignedRequest({ signedRequest: `${sign(payload, "secret")}.${payload}`, appSecret: "secret" })).toEqual({ ok: false, reason: "unsupported_algorithm" });
    const none = Buffer.from(JSON.stringify({ user_id: "1" })).toString("base64url");
    expect(parseSignedRequest({ signedRequest: `${sign(none, "secret")}.${none}`, appSecret: "secret" })).toEqual({ ok: false, reason: "unsupported_algorithm" });
  });

  it("accepts the algorithm name in any case, as Meta's sample code does", () => {
    const payload = Buffer.from(JSON.stringify({ algorithm: "hmac-sha256", user_id: "1" })).toString("base64url");
    expect(parseSignedRequest({ signedRequest: `${sign(payload, "secret")}.${payload}`, appSecret: "secret" }).ok).toBe(true);
  });

  it.each([
    ["empty", ""],
    ["no dot", "abcdef"],
    ["three parts", "a.b.c"],
    ["empty signature", `.${Buffer.from("{}").toString("base64url")}`],
    ["standard base64 characters", "ab+/cd.ef+/gh"],
    ["too long", `${"a".repeat(9000)}.b`],
  ])("refuses a malformed value (%s)", (_label, value) => {
    expect(parseSignedRequest({ signedRequest: value, appSecret: "secret" })).toEqual({ ok: false, reason: "malformed" });
  });

  it("refuses a correctly signed payload that is not a JSON object", () => {
    for (const body of ["not json", "[1,2]", "42"]) {
      const payload = Buffer.from(body).toString("base64url");
      expect(parseSignedRequest({ signedRequest: `${sign(payload, "secret")}.${payload}`, appSecret: "secret" })).toEqual({ ok: false, reason: "malformed" });
    }
  });

  it("fails closed without an app secret", () => {
    expect(parseSignedRequest({ signedRequest: docsVector.signed_request, appSecret: undefined })).toEqual({ ok: false, reason: "no_secret" });
    expect(parseSignedRequest({ signedRequest: docsVector.signed_request, appSecret: "" })).toEqual({ ok: false, reason: "no_secret" });
  });

  it("verifies what signSignedRequest builds", () => {
    const signed = signSignedRequest({ payload: { user_id: "42", issued_at: 1 }, appSecret: "0123456789abcdef0123456789abcdef" });
    expect(parseSignedRequest({ signedRequest: signed, appSecret: "0123456789abcdef0123456789abcdef" })).toEqual({
      ok: true,
      payload: { algorithm: "HMAC-SHA256", user_id: "42", issued_at: 1 },
    });
  });
});
