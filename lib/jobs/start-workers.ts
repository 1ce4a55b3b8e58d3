import "server-only";
import { logger } from "@/lib/logger";
import { getBoss, stopBoss } from "./boss";
import { registry } from "./registry";
import { schedules } from "./queues";

let started = false;

/**
 * Starts polling every queue in this process (the Next.js server by default, or `npm run
 * worker`). Any number of processes may do this: pg-boss fetches with SKIP LOCKED. Each job
 * of a batch succeeds or fails on its own; a failure is retried with backoff up to the queue's
 * retry limit, then moved to the dead-letter queue.
 */
export async function startWorkers(): Promise<void> {
  if (started) return;
  started = true;
  const boss = await getBoss();
  for (const { queue, cron } of schedules) await boss.schedule(queue, cron, {}, { tz: "UTC" });
  for (const [queue, { handler, batchSize, concurrency }] of Object.entries(registry)) {
    for (let i = 0; i < concurrency; i++) {
      await boss.work(queue, { batchSize, includeMetadata: true, pollingIntervalSeconds: 0.5 }, async (jobs) => {
        for (const job of jobs) {
          try {
            await handler(job.data, { retryCount: job.retryCount, retryLimit: job.retryLimit });
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            logger.warn({ queue, jobId: job.id, retryCount: job.retryCount, err: { message } }, "job failed");
            await boss.fail(queue, job.id, { message: message.slice(0, 500) });
          }
        }
      });
    }
  }
  logger.info({ queues: Object.keys(registry) }, "job workers started");
}

export async function stopWorkers(): Promise<void> {
  if (!started) return;
  started = false;
  await stopBoss();
}
