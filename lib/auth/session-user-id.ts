import "server-only";
import { getToken } from "next-auth/jwt";
import { parseCookies } from "./session";

// The inbox polls every 3 s per open tab; decrypting the next-auth JWT (HKDF key derivation +
// AES-GCM) on each poll is a visible share of its CPU. A JWT is immutable: the same cookie value
// always decrypts to the same claims until its `exp`, so caching the result by the cookie's value
// changes no authorization decision. Whether the user still exists and is still a member is
// NOT cached: the caller checks that in the database on every request.

/** Entries kept per process; the oldest is dropped first. */
const MAX_ENTRIES = 10_000;
const SESSION_COOKIE = /^(__Secure-)?next-auth\.session-token(\.\d+)?$/;

type Entry = { userId: string; expiresAtMs: number };
const cache = new Map<string, Entry>();

/**
 * The user id (`sub`) of the next-auth session cookie in a Cookie header, or null (no cookie, a
 * cookie that does not decrypt, an expired one). Same decision as getSessionUser() without its
 * user lookup: the caller must still check the user in the database.
 */
export async function readSessionUserId(cookieHeader: string | null): Promise<string | null> {
  const cookies = parseCookies(cookieHeader);
  let key = "";
  for (const [name, value] of cookies) if (SESSION_COOKIE.test(name)) key += `${name}=${value};`;
  if (!key) return null;
  const hit = cache.get(key);
  if (hit) {
    if (Date.now() < hit.expiresAtMs) return hit.userId;
    cache.delete(key);
  }
  // Only the cookie is consulted: a Bearer header is an API key, never a session.
  const token = await getToken({ req: { cookies, headers: {} } as never, secret: process.env.NEXTAUTH_SECRET });
  if (!token?.sub) return null;
  // next-auth always sets exp (maxAge); without one, re-check within a minute.
  const expiresAtMs = typeof token.exp === "number" ? token.exp * 1000 : Date.now() + 60_000;
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
  cache.set(key, { userId: token.sub, expiresAtMs });
  return token.sub;
}
