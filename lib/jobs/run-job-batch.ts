import "server-only";
import type PgBoss from "pg-boss";
import { logger } from "@/lib/logger";
import { asError, inLanes } from "./in-lanes";
import type { QueueName } from "./queues";
import { registry, type BatchJob, type BatchOutcome } from "./registry";

export type RunJobBatchOptions = {
  boss: PgBoss;
  queue: QueueName;
  jobs: PgBoss.JobWithMetadata<unknown>[];
};

/**
 * Runs one fetched batch with the queue's handler (its batch handler when it has one) and fails
 * each job whose handler failed: pg-boss retries it with backoff, then dead-letters it. Returns
 * the ids of the jobs that succeeded; completing them is the caller's (pg-boss's work loop does
 * it for every job still active when its callback resolves).
 */
export async function runJobBatch({ boss, queue, jobs }: RunJobBatchOptions): Promise<string[]> {
  const { handler, handleBatch, parallelism = 1 } = registry[queue];
  const batch: BatchJob[] = jobs.map((job) => ({ id: job.id, data: job.data, meta: { retryCount: job.retryCount, retryLimit: job.retryLimit } }));
  let outcomes: BatchOutcome[];
  if (handleBatch) {
    outcomes = await handleBatch(batch, { parallelism }).catch((error: unknown) => batch.map(() => ({ error: asError(error) })));
  } else {
    // Up to `parallelism` jobs at once, taken in the batch's order; outcomes stay in that order.
    outcomes = new Array<BatchOutcome>(batch.length);
    await inLanes(batch, parallelism, async (job, index) => {
      outcomes[index] = await handler(job.data, job.meta).then(() => ({}), (error: unknown) => ({ error: asError(error) }));
    });
  }
  const succeeded: string[] = [];
  for (const [index, job] of batch.entries()) {
    const error = outcomes[index]?.error;
    if (!error) {
      succeeded.push(job.id);
      continue;
    }
    logger.warn({ queue, jobId: job.id, retryCount: job.meta.retryCount, err: { message: error.message } }, "job failed");
    await boss.fail(queue, job.id, { message: error.message.slice(0, 500) });
  }
  return succeeded;
}
