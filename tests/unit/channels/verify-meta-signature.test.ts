import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { verifyMetaSignature } from "@/lib/channels/meta/verify-signature";

const FIXTURES = fileURLToPath(new URL("../../fixtures/meta-signature/", import.meta.url));
const read = (name: string): unknown => JSON.parse(readFileSync(FIXTURES + name, "utf8"));

const sdkVector = z
  .object({ app_secret: z.string(), raw_body: z.string(), hex_digest: z.string(), header_value: z.string() })
  .parse(read("x-hub-signature-256-meta-sdk-vector.json"));
const localVectors = z
  .object({ app_secret: z.string(), vectors: z.array(z.object({ raw_body: z.string(), hex_digest: z.string() })) })
  .parse(read("x-hub-signature-256-local-vectors.json"));

const body = Buffer.from(sdkVector.raw_body, "utf8");
const secret = sdkVector.app_secret;

describe("verifyMetaSignature", () => {
  it("accepts the Meta SDK test vector", () => {
    expect(verifyMetaSignature({ rawBody: body, header: sdkVector.header_value, appSecret: secret })).toBe(true);
  });

  it.each(localVectors.vectors.map((vector, i) => [i, vector] as const))(
    "accepts the signature of local vector %i over its exact UTF-8 bytes",
    (_, vector) => {
      const rawBody = new TextEncoder().encode(vector.raw_body);
      expect(verifyMetaSignature({ rawBody, header: `sha256=${vector.hex_digest}`, appSecret: localVectors.app_secret })).toBe(true);
    },
  );

  it("rejects a body that was re-serialised after signing", () => {
    const [vector] = localVectors.vectors;
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(vector!.raw_body), null, 2), "utf8");
    expect(verifyMetaSignature({ rawBody: reserialised, header: `sha256=${vector!.hex_digest}`, appSecret: localVectors.app_secret })).toBe(false);
  });

  it("rejects a tampered body", () => {
    expect(verifyMetaSignature({ rawBody: Buffer.from("tesT"), header: sdkVector.header_value, appSecret: secret })).toBe(false);
  });

  it("rejects the signature made with another app secret", () => {
    expect(verifyMetaSignature({ rawBody: body, header: sdkVector.header_value, appSecret: "OTHER_APP_SECRET" })).toBe(false);
  });

  it("accepts the digest in uppercase hex (same bytes)", () => {
    const header = `sha256=${sdkVector.hex_digest.toUpperCase()}`;
    expect(verifyMetaSignature({ rawBody: body, header, appSecret: secret })).toBe(true);
  });

  it("ignores whitespace around the header value", () => {
    expect(verifyMetaSignature({ rawBody: body, header: ` ${sdkVector.header_value} `, appSecret: secret })).toBe(true);
  });

  it.each([
    ["the digest without the sha256= prefix", sdkVector.hex_digest],
    ["the sha1= prefix of the legacy X-Hub-Signature header", `sha1=${sdkVector.hex_digest}`],
    ["an uppercase SHA256= prefix", `SHA256=${sdkVector.hex_digest}`],
    ["an empty header", ""],
    ["only the prefix", "sha256="],
    ["a digest one byte short", `sha256=${sdkVector.hex_digest.slice(0, -2)}`],
    ["a digest one byte long", `sha256=${sdkVector.hex_digest}00`],
    ["non-hex characters", `sha256=${"zz".repeat(32)}`],
    ["base64 instead of hex", `sha256=${Buffer.from(sdkVector.hex_digest, "hex").toString("base64")}`],
  ])("returns false without throwing for %s", (_, header) => {
    expect(verifyMetaSignature({ rawBody: body, header, appSecret: secret })).toBe(false);
  });

  it("returns false when the header is missing", () => {
    expect(verifyMetaSignature({ rawBody: body, header: null, appSecret: secret })).toBe(false);
  });

  it("fails closed when no app secret is configured", () => {
    expect(verifyMetaSignature({ rawBody: body, header: sdkVector.header_value, appSecret: "" })).toBe(false);
  });
});
