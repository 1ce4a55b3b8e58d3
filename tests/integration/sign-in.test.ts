import { describe, expect, it } from "vitest";
import type { User } from "next-auth";
import type { JWT } from "next-auth/jwt";
import { authOptions } from "@/lib/auth/options";
import { createAccount, TEST_PASSWORD, uniqueEmail, uniqueIp } from "../helpers/factories";

// next-auth v4 keeps the configured authorize() under provider.options (the top-level
// `authorize` of the provider object is a placeholder that returns null).
type Authorize = (credentials: Record<string, string> | undefined, req: { headers?: Record<string, string> }) => Promise<User | null>;
const credentialsProvider = authOptions.providers[0] as unknown as { id: string; options: { authorize: Authorize } };

function signIn(credentials: Record<string, string> | undefined, ip = uniqueIp()) {
  return credentialsProvider.options.authorize(credentials, { headers: { "x-forwarded-for": ip } });
}

describe("credentials sign-in (authorize)", () => {
  it("is the credentials provider with the JWT session strategy", () => {
    expect(credentialsProvider.id).toBe("credentials");
    expect(authOptions.session?.strategy).toBe("jwt");
    expect(authOptions.secret).toBe(process.env.NEXTAUTH_SECRET);
  });

  it("accepts the right password and returns the user without the hash", async () => {
    const { user } = await createAccount({ label: "signin" });
    const result = await signIn({ email: user.email, password: TEST_PASSWORD });
    expect(result).toEqual({ id: user.id, email: user.email, name: user.name });
  });

  it("accepts the email in another letter case and with spaces", async () => {
    const { user } = await createAccount({ label: "signin-case" });
    const result = await signIn({ email: `  ${user.email.toUpperCase()} `, password: TEST_PASSWORD });
    expect(result?.id).toBe(user.id);
  });

  it("rejects a wrong password", async () => {
    const { user } = await createAccount({ label: "signin-wrong" });
    await expect(signIn({ email: user.email, password: `${TEST_PASSWORD}x` })).resolves.toBeNull();
    await expect(signIn({ email: user.email, password: TEST_PASSWORD.toLowerCase() })).resolves.toBeNull();
  });

  it("rejects an unknown email", async () => {
    await expect(signIn({ email: uniqueEmail("nobody"), password: TEST_PASSWORD })).resolves.toBeNull();
  });

  it("rejects missing or malformed credentials without throwing", async () => {
    await expect(signIn(undefined)).resolves.toBeNull();
    await expect(signIn({ email: "someone@example.com" })).resolves.toBeNull();
    await expect(signIn({ password: TEST_PASSWORD })).resolves.toBeNull();
  });

  it("refuses further attempts for one email and address after 10, even with the right password", async () => {
    const { user } = await createAccount({ label: "signin-limit" });
    const ip = uniqueIp();
    for (let i = 0; i < 10; i++) await expect(signIn({ email: user.email, password: "Wrong-Password-123" }, ip)).resolves.toBeNull();
    await expect(signIn({ email: user.email, password: TEST_PASSWORD }, ip)).rejects.toThrow("rate_limited");
    // The same account from another address still signs in.
    await expect(signIn({ email: user.email, password: TEST_PASSWORD })).resolves.toMatchObject({ id: user.id });
  });

  it("caps attempts per account at 50 an hour even when every attempt claims a new address", async () => {
    const { user } = await createAccount({ label: "signin-rotating" });
    for (let i = 0; i < 50; i++) await expect(signIn({ email: user.email, password: "Wrong-Password-123" })).resolves.toBeNull();
    await expect(signIn({ email: user.email, password: TEST_PASSWORD })).rejects.toThrow("rate_limited");
  });

  it("puts the user id in the JWT and exposes it on the session", async () => {
    const token = await authOptions.callbacks!.jwt!({
      token: { email: "a@example.com" } as JWT,
      user: { id: "user-123", email: "a@example.com", name: "A" },
      account: null,
    });
    expect(token.sub).toBe("user-123");
    const session = await authOptions.callbacks!.session!({
      session: { user: { email: "a@example.com", name: "A" }, expires: new Date(Date.now() + 60_000).toISOString() },
      token,
      user: undefined as never,
      newSession: undefined,
      trigger: "update",
    });
    expect((session.user as { id?: string }).id).toBe("user-123");
  });
});
