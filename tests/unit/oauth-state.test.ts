import { SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { createOAuthState, markOAuthStateUsed, OAuthStateError, verifyOAuthState } from "@/lib/oauth/oauth-state";

const SECRET = "unit-test-nextauth-secret-0123456789abcdef";

beforeAll(() => {
  process.env.NEXTAUTH_SECRET = SECRET;
});

async function failure(promise: Promise<unknown>): Promise<OAuthStateError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OAuthStateError) return error;
    throw error;
  }
  throw new Error("the state was accepted");
}

describe("OAuth state", () => {
  it("round-trips the workspace, user and nonce when the cookie and user match", async () => {
    const { state, nonce } = await createOAuthState({ workspaceId: "ws_1", userId: "user_1" });
    expect(state.split(".")).toHaveLength(3);
    expect(nonce.length).toBeGreaterThanOrEqual(32);
    await expect(verifyOAuthState({ state, nonceCookie: nonce, userId: "user_1" })).resolves.toEqual({ workspaceId: "ws_1", userId: "user_1", nonce });
  });

  it("uses a fresh nonce every time", async () => {
    const a = await createOAuthState({ workspaceId: "ws", userId: "u" });
    const b = await createOAuthState({ workspaceId: "ws", userId: "u" });
    expect(a.nonce).not.toBe(b.nonce);
    expect(a.state).not.toBe(b.state);
  });

  it("refuses a state whose payload was tampered with", async () => {
    const { state, nonce } = await createOAuthState({ workspaceId: "ws_1", userId: "user_1" });
    const [header, payload, signature] = state.split(".");
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
    const forged = [header, Buffer.from(JSON.stringify({ ...claims, ws: "ws_victim" })).toString("base64url"), signature].join(".");
    expect((await failure(verifyOAuthState({ state: forged, nonceCookie: nonce, userId: "user_1" }))).reason).toBe("invalid");
  });

  it("refuses a state signed with another key (the session secret itself, another purpose)", async () => {
    const nonce = "n".repeat(32);
    const now = Math.floor(Date.now() / 1000);
    const wrongKey = await new SignJWT({ ws: "ws_1", nonce })
      .setProtectedHeader({ alg: "HS256" })
      .setAudience("switchboard:instagram-oauth-state")
      .setSubject("user_1")
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(new TextEncoder().encode(SECRET));
    expect((await failure(verifyOAuthState({ state: wrongKey, nonceCookie: nonce, userId: "user_1" }))).reason).toBe("invalid");
  });

  it("refuses an unsigned (alg none) state", async () => {
    const nonce = "n".repeat(32);
    const unsigned = [
      Buffer.from(JSON.stringify({ alg: "none" })).toString("base64url"),
      Buffer.from(JSON.stringify({ ws: "ws_1", sub: "user_1", nonce, aud: "switchboard:instagram-oauth-state", exp: 9_999_999_999 })).toString("base64url"),
      "",
    ].join(".");
    expect((await failure(verifyOAuthState({ state: unsigned, nonceCookie: nonce, userId: "user_1" }))).reason).toBe("invalid");
  });

  it.each([undefined, null, "", "garbage", "a.b.c", "x".repeat(5000)])("refuses a missing or malformed state (%s)", async (state) => {
    expect((await failure(verifyOAuthState({ state, nonceCookie: "whatever-nonce-value", userId: "user_1" }))).reason).toBe("invalid");
  });

  it("refuses an expired state but still names its (genuine) workspace", async () => {
    const { state, nonce } = await createOAuthState({ workspaceId: "ws_1", userId: "user_1", now: new Date(Date.now() - 11 * 60_000) });
    const error = await failure(verifyOAuthState({ state, nonceCookie: nonce, userId: "user_1" }));
    expect(error.reason).toBe("expired");
    expect(error.workspaceId).toBe("ws_1");
    expect(error.message).toMatch(/expired/);
  });

  it("accepts a state just before its 10 minutes are up", async () => {
    const { state, nonce } = await createOAuthState({ workspaceId: "ws_1", userId: "user_1", now: new Date(Date.now() - 9 * 60_000) });
    await expect(verifyOAuthState({ state, nonceCookie: nonce, userId: "user_1" })).resolves.toMatchObject({ workspaceId: "ws_1" });
  });

  it.each([
    ["no cookie", undefined],
    ["another browser's nonce", "another-browsers-nonce-value-1234567890"],
    ["an empty cookie", ""],
  ])("refuses a state whose browser cookie does not match (%s)", async (_label, cookie) => {
    const { state } = await createOAuthState({ workspaceId: "ws_1", userId: "user_1" });
    expect((await failure(verifyOAuthState({ state, nonceCookie: cookie, userId: "user_1" }))).reason).toBe("browser_mismatch");
  });

  it("refuses a state started by another signed-in user", async () => {
    const { state, nonce } = await createOAuthState({ workspaceId: "ws_1", userId: "user_1" });
    expect((await failure(verifyOAuthState({ state, nonceCookie: nonce, userId: "user_2" }))).reason).toBe("user_mismatch");
  });

  it("remembers a completed state so it cannot complete twice in this process", () => {
    const nonce = `nonce-${Math.random()}`;
    expect(markOAuthStateUsed(nonce)).toBe(true);
    expect(markOAuthStateUsed(nonce)).toBe(false);
    // Forgotten once the state itself would have expired.
    expect(markOAuthStateUsed(nonce, Date.now() + 11 * 60_000)).toBe(true);
  });
});
