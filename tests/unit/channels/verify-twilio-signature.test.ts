import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseTwilioForm } from "@/lib/channels/twilio/parse-form";
import { computeTwilioSignature, verifyTwilioSignature } from "@/lib/channels/twilio/verify-signature";

const FIXTURES = fileURLToPath(new URL("../../fixtures/twilio/", import.meta.url));
const read = (name: string): unknown => JSON.parse(readFileSync(FIXTURES + name, "utf8"));

const paramsSchema = z.record(z.string(), z.union([z.string(), z.array(z.string())]));
const vectors = z
  .object({
    auth_token: z.string(),
    url: z.string(),
    params: paramsSchema,
    string_to_sign: z.string(),
    expected_signature: z.string(),
    variants: z.array(
      z.object({
        url: z.string(),
        // "same as above" means the top-level params.
        params: z.union([paramsSchema, z.string()]).optional(),
        raw_body: z.string().optional(),
        expected_signature: z.string(),
        note: z.string(),
      }),
    ),
    json_body_vector: z.object({
      raw_body: z.string(),
      body_sha256: z.string(),
      url: z.string(),
      expected_signature: z.string(),
      empty_object_body: z.object({ raw_body: z.string(), expected_signature: z.string(), signed_url: z.string() }),
    }),
  })
  .parse(read("twilio-signature-test-vectors.json"));
const local = z
  .object({
    auth_token: z.string(),
    url: z.string(),
    inbound_text_fixture: z.object({ params_file: z.string(), expected_signature: z.string() }),
    form_body: z.object({ raw_body: z.string(), expected_signature: z.string() }),
  })
  .parse(read("twilio-signature-local-vectors.json"));

const authToken = vectors.auth_token;

describe("verifyTwilioSignature", () => {
  it("signs the documented string (URL, then each parameter name and value sorted by name)", () => {
    expect(computeTwilioSignature({ authToken, url: vectors.url, params: vectors.params })).toBe(vectors.expected_signature);
    const manual = computeTwilioSignature({ authToken, url: vectors.string_to_sign, params: {} });
    expect(manual).toBe(vectors.expected_signature);
  });

  it("accepts the twilio-node main vector", () => {
    expect(verifyTwilioSignature({ url: vectors.url, params: vectors.params, header: vectors.expected_signature, authToken })).toBe(true);
  });

  it.each(vectors.variants.map((variant) => [variant.note, variant] as const))("accepts the variant: %s", (_, variant) => {
    const params = typeof variant.params === "object" ? variant.params : vectors.params;
    const result = verifyTwilioSignature({
      url: variant.url,
      params: variant.raw_body === undefined ? params : {},
      header: variant.expected_signature,
      authToken,
      rawBody: variant.raw_body,
    });
    expect(result).toBe(true);
  });

  it("accepts a JSON body signed through bodySHA256 in the URL", () => {
    const { url, raw_body, expected_signature } = vectors.json_body_vector;
    expect(verifyTwilioSignature({ url, params: {}, header: expected_signature, authToken, rawBody: raw_body })).toBe(true);
    expect(verifyTwilioSignature({ url, params: {}, header: expected_signature, authToken, rawBody: Buffer.from(raw_body) })).toBe(true);
  });

  it("accepts the empty JSON body vector that Twilio signed with :443 written out", () => {
    const { raw_body, expected_signature, signed_url } = vectors.json_body_vector.empty_object_body;
    const url = signed_url.replace(":443", "");
    expect(verifyTwilioSignature({ url, params: {}, header: expected_signature, authToken, rawBody: raw_body })).toBe(true);
  });

  it("rejects a JSON body that does not hash to bodySHA256, even with a valid URL signature", () => {
    const { url, expected_signature } = vectors.json_body_vector;
    expect(verifyTwilioSignature({ url, params: {}, header: expected_signature, authToken, rawBody: '{"property": "other"}' })).toBe(false);
  });

  it("rejects a bodySHA256 URL when the raw body is not supplied", () => {
    const { url, expected_signature } = vectors.json_body_vector;
    expect(verifyTwilioSignature({ url, params: {}, header: expected_signature, authToken })).toBe(false);
  });

  it("accepts the locally computed signature of the inbound text fixture", () => {
    const params = paramsSchema.parse(read(local.inbound_text_fixture.params_file.replace("twilio/", "")));
    const result = verifyTwilioSignature({ url: local.url, params, header: local.inbound_text_fixture.expected_signature, authToken: local.auth_token });
    expect(result).toBe(true);
  });

  it("verifies a raw form body end to end after parseTwilioForm (UTF-8, + and %XX decoded)", () => {
    const params = parseTwilioForm(local.form_body.raw_body);
    expect(params.ProfileName).toBe("Zoë Ramírez");
    const result = verifyTwilioSignature({ url: local.url, params, header: local.form_body.expected_signature, authToken: local.auth_token });
    expect(result).toBe(true);
  });

  it("rejects a wrong signature", () => {
    expect(verifyTwilioSignature({ url: vectors.url, params: vectors.params, header: "WRONG_SIGNATURE", authToken })).toBe(false);
  });

  it("rejects a signature made with another auth token", () => {
    const header = computeTwilioSignature({ authToken: "54321", url: vectors.url, params: vectors.params });
    expect(verifyTwilioSignature({ url: vectors.url, params: vectors.params, header, authToken })).toBe(false);
  });

  it("rejects a request whose URL gained a query parameter", () => {
    const url = `${vectors.url}&somethingUnexpected=true`;
    expect(verifyTwilioSignature({ url, params: vectors.params, header: vectors.expected_signature, authToken })).toBe(false);
  });

  it("rejects a request with a parameter added, changed or removed", () => {
    const header = vectors.expected_signature;
    expect(verifyTwilioSignature({ url: vectors.url, params: { ...vectors.params, Extra: "1" }, header, authToken })).toBe(false);
    expect(verifyTwilioSignature({ url: vectors.url, params: { ...vectors.params, Digits: "9999" }, header, authToken })).toBe(false);
    const rest = { ...vectors.params };
    delete rest.Digits;
    expect(verifyTwilioSignature({ url: vectors.url, params: rest, header, authToken })).toBe(false);
  });

  it("does not accept the signature of another non-default port", () => {
    const url = "https://mycompany.com:8443/myapp.php?foo=1&bar=2";
    expect(verifyTwilioSignature({ url, params: vectors.params, header: vectors.expected_signature, authToken })).toBe(false);
  });

  it("returns false without throwing for a missing header, an empty token or an unparsable URL", () => {
    expect(verifyTwilioSignature({ url: vectors.url, params: vectors.params, header: null, authToken })).toBe(false);
    expect(verifyTwilioSignature({ url: vectors.url, params: vectors.params, header: "", authToken })).toBe(false);
    expect(verifyTwilioSignature({ url: vectors.url, params: vectors.params, header: vectors.expected_signature, authToken: "" })).toBe(false);
    expect(verifyTwilioSignature({ url: "not a url", params: vectors.params, header: vectors.expected_signature, authToken })).toBe(false);
  });
});
