import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { decryptJson, decryptSecret, encryptJson, encryptSecret, maskSecret, needsReencryption } from "@/lib/crypto/secrets";

const original = { current: process.env.ENCRYPTION_KEY, previous: process.env.ENCRYPTION_KEY_PREVIOUS };
const newKey = () => randomBytes(32).toString("base64");

afterEach(() => {
  process.env.ENCRYPTION_KEY = original.current;
  if (original.previous === undefined) delete process.env.ENCRYPTION_KEY_PREVIOUS;
  else process.env.ENCRYPTION_KEY_PREVIOUS = original.previous;
});

describe("secrets at rest (AES-256-GCM)", () => {
  it("round-trips strings and JSON and never contains the plaintext", () => {
    process.env.ENCRYPTION_KEY = newKey();
    const token = "EAAGsecret-token-value-123";
    const encrypted = encryptSecret(token);
    expect(encrypted).toMatch(/^enc:v1:[0-9a-f]{8}:/);
    expect(encrypted).not.toContain(token);
    expect(decryptSecret(encrypted)).toBe(token);
    expect(decryptJson(encryptJson({ accessToken: token, n: 1 }))).toEqual({ accessToken: token, n: 1 });
  });

  it("uses a fresh IV each time", () => {
    process.env.ENCRYPTION_KEY = newKey();
    expect(encryptSecret("same")).not.toBe(encryptSecret("same"));
  });

  it("rejects a tampered ciphertext", () => {
    process.env.ENCRYPTION_KEY = newKey();
    const parts = encryptSecret("value").split(":");
    const body = Buffer.from(parts[5], "base64url");
    body[0] ^= 1;
    parts[5] = body.toString("base64url");
    expect(() => decryptSecret(parts.join(":"))).toThrow();
  });

  it("decrypts with the previous key during a rotation and reports what needs re-encryption", () => {
    const oldKey = newKey();
    process.env.ENCRYPTION_KEY = oldKey;
    const before = encryptSecret("rotate me");
    process.env.ENCRYPTION_KEY = newKey();
    process.env.ENCRYPTION_KEY_PREVIOUS = oldKey;
    expect(decryptSecret(before)).toBe("rotate me");
    expect(needsReencryption(before)).toBe(true);
    const after = encryptSecret(decryptSecret(before));
    expect(needsReencryption(after)).toBe(false);
    delete process.env.ENCRYPTION_KEY_PREVIOUS;
    expect(() => decryptSecret(before)).toThrow(/not configured/);
    expect(decryptSecret(after)).toBe("rotate me");
  });

  it("refuses a key that is not 32 bytes", () => {
    process.env.ENCRYPTION_KEY = Buffer.from("short").toString("base64");
    expect(() => encryptSecret("x")).toThrow(/32 random bytes/);
  });

  it("masks secrets for display", () => {
    expect(maskSecret("EAAGabcdefghijklmnf3k")).toBe("EAAG…f3k");
    expect(maskSecret("short")).toBe("…");
  });
});
