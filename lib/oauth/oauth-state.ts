import "server-only";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { SignJWT, jwtVerify, errors as joseErrors } from "jose";
import { z } from "zod";

// The OAuth `state` of the Instagram connection: a jose-signed JWT (HS256) naming the workspace,
// the user who started the login and a random nonce. The same nonce is put in an httpOnly
// cookie, so a state only works in the browser that started the flow (a link with someone
// else's state, or a state lifted from a log, fails the comparison). It expires after 10
// minutes, and the callback deletes the cookie, so a completed state cannot be replayed.

const AUDIENCE = "switchboard:instagram-oauth-state";
export const OAUTH_STATE_TTL_SECONDS = 600;
/** The nonce cookie, scoped to the OAuth routes. */
export const OAUTH_NONCE_COOKIE = "sb_ig_oauth_nonce";
export const OAUTH_NONCE_COOKIE_PATH = "/api/oauth/instagram";

function stateKey(): Uint8Array {
  const secret = process.env.NEXTAUTH_SECRET;
  if (!secret) throw new Error("NEXTAUTH_SECRET is not set");
  // A key of its own, derived from the app secret with this purpose string, so a state can
  // never be accepted as an invitation or a session and the other way round.
  return createHash("sha256").update(`${secret}:${AUDIENCE}`).digest();
}

export type OAuthStateClaims = { workspaceId: string; userId: string; nonce: string };

export type CreateOAuthStateOptions = { workspaceId: string; userId: string; now?: Date };

/** A new state and the nonce to set in the cookie. */
export async function createOAuthState({ workspaceId, userId, now = new Date() }: CreateOAuthStateOptions): Promise<{ state: string; nonce: string }> {
  const nonce = randomBytes(24).toString("base64url");
  const issuedAt = Math.floor(now.getTime() / 1000);
  const state = await new SignJWT({ ws: workspaceId, nonce })
    .setProtectedHeader({ alg: "HS256" })
    .setAudience(AUDIENCE)
    .setSubject(userId)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + OAUTH_STATE_TTL_SECONDS)
    .sign(stateKey());
  return { state, nonce };
}

export type OAuthStateFailure = "invalid" | "expired" | "browser_mismatch" | "user_mismatch";

const FAILURE_MESSAGES: Record<OAuthStateFailure, string> = {
  invalid: "This Facebook login link is not valid. Start again from Settings → Channels.",
  expired: "The Facebook login took longer than 10 minutes and expired. Start again from Settings → Channels.",
  browser_mismatch: "This Facebook login was started in another browser or tab that has since finished. Start again from Settings → Channels.",
  user_mismatch: "This Facebook login was started by another Switchboard user. Sign in as that user, or start again.",
};

/** A state that must not be used; `message` is safe to show, `workspaceId` is set when the signature was good. */
export class OAuthStateError extends Error {
  readonly reason: OAuthStateFailure;
  /** Only from a correctly signed state (e.g. an expired one): where to send the user back to. */
  readonly workspaceId?: string;

  constructor(reason: OAuthStateFailure, workspaceId?: string) {
    super(FAILURE_MESSAGES[reason]);
    this.name = "OAuthStateError";
    this.reason = reason;
    this.workspaceId = workspaceId;
  }
}

const payloadSchema = z.object({ ws: z.string().min(1).max(100), sub: z.string().min(1).max(100), nonce: z.string().min(16).max(100) });

export type VerifyOAuthStateOptions = {
  state: string | null | undefined;
  /** The nonce cookie of this request. */
  nonceCookie: string | null | undefined;
  /** The signed-in user of this request. */
  userId: string;
  now?: Date;
};

/**
 * Checks signature, audience, expiry, the browser binding (cookie nonce) and that the same user
 * is signed in. Throws OAuthStateError; never returns a partially valid state.
 */
export async function verifyOAuthState({ state, nonceCookie, userId, now }: VerifyOAuthStateOptions): Promise<OAuthStateClaims> {
  if (!state || state.length > 2048) throw new OAuthStateError("invalid");
  let claims: z.infer<typeof payloadSchema>;
  try {
    const { payload } = await jwtVerify(state, stateKey(), {
      audience: AUDIENCE,
      algorithms: ["HS256"],
      currentDate: now,
    });
    claims = payloadSchema.parse(payload);
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) {
      // jose checks the signature before the claims, so this payload is ours.
      const parsed = payloadSchema.safeParse(error.payload);
      throw new OAuthStateError("expired", parsed.success ? parsed.data.ws : undefined);
    }
    throw new OAuthStateError("invalid");
  }
  if (!nonceCookie || !sameSecret(nonceCookie, claims.nonce)) throw new OAuthStateError("browser_mismatch", claims.ws);
  if (claims.sub !== userId) throw new OAuthStateError("user_mismatch");
  return { workspaceId: claims.ws, userId: claims.sub, nonce: claims.nonce };
}

/** Constant-time comparison of two strings of any length (hashes have equal length). */
function sameSecret(a: string, b: string): boolean {
  const left = createHash("sha256").update(a).digest();
  const right = createHash("sha256").update(b).digest();
  return timingSafeEqual(left, right);
}

// Nonces of states this process already completed. The cookie deletion is what stops a
// browser from reusing a state; this set also stops a replay that carries a copied cookie
// while the state is still within its 10 minutes (per process: Meta's single-use codes cover
// the other instances).
const usedNonces = new Map<string, number>();

/** Records a completed state; false when this process already completed it. */
export function markOAuthStateUsed(nonce: string, now = Date.now()): boolean {
  for (const [key, expiresAt] of usedNonces) if (expiresAt <= now) usedNonces.delete(key);
  if (usedNonces.has(nonce)) return false;
  usedNonces.set(nonce, now + OAUTH_STATE_TTL_SECONDS * 1000);
  return true;
}
