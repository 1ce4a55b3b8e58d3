// The inbox poll decrypts the session JWT once per cookie value (lib/auth/session-user-id.ts):
// the cache must never accept what getToken() would refuse.
import { encode } from "next-auth/jwt";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { readSessionUserId } from "@/lib/auth/session-user-id";

const secret = "unit-test-secret-unit-test-secret-0123456789";

beforeAll(() => {
  process.env.NEXTAUTH_SECRET = secret;
});

afterEach(() => {
  vi.useRealTimers();
});

async function cookieFor(sub: string, { maxAge = 3600, key = secret } = {}) {
  return `theme=dark; next-auth.session-token=${await encode({ token: { sub }, secret: key, maxAge })}; other=1`;
}

describe("readSessionUserId", () => {
  it("returns the session's user id, again from its cache for the same cookie", async () => {
    const cookie = await cookieFor("user-a");
    expect(await readSessionUserId(cookie)).toBe("user-a");
    expect(await readSessionUserId(cookie)).toBe("user-a");
    expect(await readSessionUserId(await cookieFor("user-b"))).toBe("user-b");
  });

  it("returns null without a session cookie, for a forged one and for one signed with another secret", async () => {
    expect(await readSessionUserId(null)).toBeNull();
    expect(await readSessionUserId("theme=dark")).toBeNull();
    expect(await readSessionUserId("next-auth.session-token=not-a-jwt")).toBeNull();
    expect(await readSessionUserId(await cookieFor("user-c", { key: "another-secret-another-secret-0123456789" }))).toBeNull();
  });

  it("refuses an expired session, also one that was cached while it was valid", async () => {
    expect(await readSessionUserId(await cookieFor("user-d", { maxAge: -60 }))).toBeNull();
    const cookie = await cookieFor("user-e", { maxAge: 30 });
    expect(await readSessionUserId(cookie)).toBe("user-e");
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 60_000 });
    expect(await readSessionUserId(cookie)).toBeNull();
  });
});
