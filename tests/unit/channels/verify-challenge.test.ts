import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { verifyMetaChallenge } from "@/lib/channels/meta/verify-challenge";

const FIXTURE = fileURLToPath(new URL("../../fixtures/meta-signature/webhook-verification-get.json", import.meta.url));
const sample = z
  .object({
    url: z.string(),
    query: z.object({ "hub.mode": z.string(), "hub.challenge": z.string(), "hub.verify_token": z.string() }),
    expected_response: z.object({ body: z.string() }),
  })
  .parse(JSON.parse(readFileSync(FIXTURE, "utf8")));

const token = sample.query["hub.verify_token"];
const params = (overrides: Record<string, string | null>) => {
  const searchParams = new URL(sample.url).searchParams;
  for (const [name, value] of Object.entries(overrides)) {
    if (value === null) searchParams.delete(name);
    else searchParams.set(name, value);
  }
  return searchParams;
};

describe("verifyMetaChallenge", () => {
  it("answers Meta's sample verification request with the challenge verbatim", () => {
    const searchParams = new URL(sample.url).searchParams;
    expect(verifyMetaChallenge({ searchParams, verifyToken: token })).toBe(sample.expected_response.body);
  });

  it("returns null when the verify token does not match", () => {
    expect(verifyMetaChallenge({ searchParams: params({}), verifyToken: "another-token" })).toBeNull();
  });

  it("returns null for a token that only differs in case or has a suffix", () => {
    expect(verifyMetaChallenge({ searchParams: params({ "hub.verify_token": token.toUpperCase() }), verifyToken: token })).toBeNull();
    expect(verifyMetaChallenge({ searchParams: params({ "hub.verify_token": `${token}x` }), verifyToken: token })).toBeNull();
  });

  it("returns null when hub.mode is not subscribe", () => {
    expect(verifyMetaChallenge({ searchParams: params({ "hub.mode": "unsubscribe" }), verifyToken: token })).toBeNull();
    expect(verifyMetaChallenge({ searchParams: params({ "hub.mode": null }), verifyToken: token })).toBeNull();
  });

  it("returns null when the token or the challenge is missing", () => {
    expect(verifyMetaChallenge({ searchParams: params({ "hub.verify_token": null }), verifyToken: token })).toBeNull();
    expect(verifyMetaChallenge({ searchParams: params({ "hub.challenge": null }), verifyToken: token })).toBeNull();
    expect(verifyMetaChallenge({ searchParams: params({ "hub.challenge": "" }), verifyToken: token })).toBeNull();
  });

  it("fails closed when no verify token is configured, even for an empty token in the request", () => {
    expect(verifyMetaChallenge({ searchParams: params({ "hub.verify_token": "" }), verifyToken: "" })).toBeNull();
  });

  it("ignores PHP-style underscore names (only hub.* is what Meta sends)", () => {
    const searchParams = new URLSearchParams({ hub_mode: "subscribe", hub_challenge: "1158201444", hub_verify_token: token });
    expect(verifyMetaChallenge({ searchParams, verifyToken: token })).toBeNull();
  });
});
