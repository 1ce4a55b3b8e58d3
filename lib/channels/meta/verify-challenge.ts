import { createHash, timingSafeEqual } from "node:crypto";

export type VerifyMetaChallengeOptions = {
  /** The query string of Meta's GET verification request. */
  searchParams: URLSearchParams;
  /** The verify token configured in the Meta app dashboard for this endpoint. */
  verifyToken: string;
};

/**
 * Meta's webhook verification handshake (GET with `hub.mode`, `hub.verify_token`,
 * `hub.challenge`). Returns the challenge to echo back verbatim (as text/plain, status 200) only
 * when the mode is `subscribe` and the token matches; otherwise null, which the route answers 403.
 * An empty configured token never matches (fail closed).
 */
export function verifyMetaChallenge({ searchParams, verifyToken }: VerifyMetaChallengeOptions): string | null {
  const mode = searchParams.get("hub.mode");
  const token = searchParams.get("hub.verify_token");
  const challenge = searchParams.get("hub.challenge");
  if (mode !== "subscribe" || !verifyToken || token === null || !challenge) return null;
  return equalInConstantTime(token, verifyToken) ? challenge : null;
}

// Hashing first gives equal-length inputs, so neither the content nor the length of the expected
// token leaks through timing.
function equalInConstantTime(a: string, b: string): boolean {
  const digestA = createHash("sha256").update(a, "utf8").digest();
  const digestB = createHash("sha256").update(b, "utf8").digest();
  return timingSafeEqual(digestA, digestB);
}
