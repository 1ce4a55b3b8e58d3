import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "@/lib/auth/password";

describe("password hashing", () => {
  it("verifies the password it hashed", async () => {
    const hash = await hashPassword("Correct-Horse-Battery-42");
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(hash).not.toContain("Correct-Horse-Battery-42");
    await expect(verifyPassword("Correct-Horse-Battery-42", hash)).resolves.toBe(true);
  });

  it("rejects a wrong password, including one differing only in case or by a trailing space", async () => {
    const hash = await hashPassword("Correct-Horse-Battery-42");
    await expect(verifyPassword("Correct-Horse-Battery-43", hash)).resolves.toBe(false);
    await expect(verifyPassword("correct-horse-battery-42", hash)).resolves.toBe(false);
    await expect(verifyPassword("Correct-Horse-Battery-42 ", hash)).resolves.toBe(false);
    await expect(verifyPassword("", hash)).resolves.toBe(false);
  });

  it("treats Unicode-equivalent spellings of a password as the same password (NFKC)", async () => {
    const composed = "caf\u00e9-Password-9";
    const decomposed = "cafe\u0301-Password-9";
    const hash = await hashPassword(composed);
    await expect(verifyPassword(decomposed, hash)).resolves.toBe(true);
  });

  it("uses a fresh salt for every hash", async () => {
    const [a, b] = await Promise.all([hashPassword("same-password-123"), hashPassword("same-password-123")]);
    expect(a).not.toBe(b);
    expect(a.split("$")[4]).not.toBe(b.split("$")[4]);
    await expect(verifyPassword("same-password-123", a)).resolves.toBe(true);
    await expect(verifyPassword("same-password-123", b)).resolves.toBe(true);
  });

  it.each([
    ["an empty string", ""],
    ["a bcrypt hash", "$2b$10$abcdefghijklmnopqrstuuJ8n0fZkq4fJ3W1mGxq5Zt1m2bC3d4e5f"],
    ["a plaintext password", "Correct-Horse-Battery-42"],
    ["a hash without salt and key", "scrypt$32768$8$1"],
    ["a hash with an empty key", "scrypt$32768$8$1$c2FsdA$"],
    // Decodes to zero bytes: a zero-length scrypt output would equal it for ANY password.
    ["a hash whose key decodes to nothing", "scrypt$32768$8$1$c2FsdA$!!!"],
    ["a hash with non-numeric parameters", "scrypt$abc$8$1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5"],
    ["a hash whose N is not a power of two", "scrypt$1000$8$1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5"],
    ["a hash whose cost exceeds the memory limit", "scrypt$1073741824$8$1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5"],
  ])("answers false, without throwing, for %s", async (_label, stored) => {
    await expect(verifyPassword("Correct-Horse-Battery-42", stored)).resolves.toBe(false);
  });

  it("answers false when the stored key has been altered", async () => {
    const hash = await hashPassword("Correct-Horse-Battery-42");
    const parts = hash.split("$");
    const key = Buffer.from(parts[5], "base64url");
    key[0] ^= 1;
    parts[5] = key.toString("base64url");
    await expect(verifyPassword("Correct-Horse-Battery-42", parts.join("$"))).resolves.toBe(false);
  });
});
