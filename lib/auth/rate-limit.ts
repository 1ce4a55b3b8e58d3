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
  signUp: new RateLimiterMemory({ keyPrefix: "sign-up", points: 20, duration: 60 * 60 }),
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
        message: "Too many attempts; try again later",
        retryAfter: Math.ceil(error.msBeforeNext / 1000),
      });
    }
    throw error;
  }
}

export function clientAddress(headers: Headers): string {
  return headers.get("x-forwarded-for")?.split(",")[0]?.trim() || headers.get("x-real-ip") || "local";
}
