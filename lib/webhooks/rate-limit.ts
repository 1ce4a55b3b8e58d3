import "server-only";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { AppError } from "@/lib/http/errors";

// A ceiling per endpoint far above real provider traffic (Meta sizes one busy number at
// ~270 requests/s), so only floods are refused; 429 + Retry-After makes providers retry later.
const limiter = new RateLimiterMemory({ keyPrefix: "webhook", points: Number(process.env.WEBHOOK_RATE_LIMIT_PER_SECOND ?? 3000), duration: 1 });

export async function consumeWebhookRateLimit(key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (error) {
    if (error instanceof RateLimiterRes) {
      throw new AppError({ code: "rate_limited", message: "Too many requests", retryAfter: Math.max(1, Math.ceil(error.msBeforeNext / 1000)) });
    }
    throw error;
  }
}
