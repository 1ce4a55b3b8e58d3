import "server-only";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { AppError } from "@/lib/http/errors";

// Per-process limits against password guessing and sign-up floods. A multi-instance
// deployment keeps them per instance, which still bounds guessing per instance.
const limiters = {
  signIn: new RateLimiterMemory({ keyPrefix: "sign-in", points: 10, duration: 15 * 60 }),
  // The client address comes from X-Forwarded-For, which a client can forge: this per-account
  // ceiling bounds guessing however many addresses an attacker claims to have.
  signInAccount: new RateLimiterMemory({ keyPrefix: "sign-in-account", points: 50, duration: 60 * 60 }),
  // Sign-ups per address and hour (SIGNUP_RATE_LIMIT_PER_HOUR; the end-to-end suite, which signs
  // up a workspace per journey from one address, raises it).
  signUp: new RateLimiterMemory({ keyPrefix: "sign-up", points: Number(process.env.SIGNUP_RATE_LIMIT_PER_HOUR ?? 20), duration: 60 * 60 }),
  // REST API and UI calls. An open inbox tab polls ~30 times a minute, so a person with a few
  // tabs stays far below; a runaway script gets 429 + Retry-After instead of starving others.
  apiKey: new RateLimiterMemory({ keyPrefix: "api-key", points: Number(process.env.API_RATE_LIMIT_PER_MINUTE ?? 1200), duration: 60 }),
  session: new RateLimiterMemory({ keyPrefix: "session", points: Number(process.env.SESSION_RATE_LIMIT_PER_MINUTE ?? 2400), duration: 60 }),
  // Meta's deauthorize / data-deletion callbacks: one call per user removal; floods are refused.
  metaCallback: new RateLimiterMemory({ keyPrefix: "meta-callback", points: 120, duration: 60 }),
};

export type RateLimitOptions = { limiter: keyof typeof limiters; key: string };

/** Spends one point; throws AppError rate_limited (429 with Retry-After) when none are left. */
export async function consumeRateLimit({ limiter, key }: RateLimitOptions): Promise<void> {
  try {
    await limiters[limiter].consume(key);
  } catch (error) {
    if (error instanceof RateLimiterRes) {
      throw new AppError({
        code: "rate_limited",
        message: limiter === "apiKey" || limiter === "session" ? "Too many requests; slow down and retry after the delay" : "Too many attempts; try again later",
        retryAfter: Math.ceil(error.msBeforeNext / 1000),
      });
    }
    throw error;
  }
}

export function clientAddress(headers: Headers): string {
  return headers.get("x-forwarded-for")?.split(",")[0]?.trim() || headers.get("x-real-ip") || "local";
}
