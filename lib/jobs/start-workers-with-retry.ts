import "server-only";
import { logger } from "@/lib/logger";
import { startWorkers } from "./start-workers";

/**
 * Starts the workers without blocking or crashing the web server: if the database is not
 * reachable yet, webhooks still answer 503 and the workers try again every few seconds.
 */
export function startWorkersWithRetry(delayMs = 5000): void {
  startWorkers().catch((error: Error) => {
    logger.error({ err: { message: error.message } }, "job workers could not start; retrying");
    setTimeout(() => startWorkersWithRetry(Math.min(delayMs * 2, 60_000)), delayMs).unref();
  });
}
