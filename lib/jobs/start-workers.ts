import "server-only";
import { logger } from "@/lib/logger";
import { getBoss, stopBoss, type StopBossOptions } from "./boss";
import { registry } from "./registry";
import { runJobBatch } from "./run-job-batch";
import { schedules, type QueueName } from "./queues";
import { clearWorkers, DOWNSTREAM_QUEUES, markWorkerBusy, registerWorker, wakeWorkers } from "./wake-workers";

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
  for (const [queue, { batchSize, concurrency }] of Object.entries(registry) as [QueueName, (typeof registry)[QueueName]][]) {
    for (let i = 0; i < concurrency; i++) {
      const worker = { id: "" };
      worker.id = await boss.work(queue, { batchSize, includeMetadata: true, pollingIntervalSeconds: 0.5 }, async (jobs) => {
        markWorkerBusy(worker.id, true);
        try {
          await runJobBatch({ boss, queue, jobs });
        } finally {
          markWorkerBusy(worker.id, false);
        }
        // pg-boss waits out the polling interval after every batch. A full batch means a
        // backlog: fetch the next one at once (otherwise a worker does batchSize per 0.5 s).
        if (jobs.length === batchSize && worker.id) boss.notifyWorker(worker.id);
        // The batch's transactions committed the jobs it wrote: their workers here look now.
        const downstream = DOWNSTREAM_QUEUES[queue];
        if (downstream) wakeWorkers(downstream);
      });
      registerWorker({ boss, queue, workerId: worker.id });
    }
  }
  logger.info({ queues: Object.keys(registry) }, "job workers started");
}

/**
 * Stops this process's workers and its pg-boss (also when it only sent jobs): jobs in flight
 * get `timeoutMs` to finish, the others are failed back to their queue for a prompt retry
 * (see stopBoss). Call it before the process exits, or they wait out expireInSeconds.
 */
export async function stopWorkers(options: StopBossOptions = {}): Promise<void> {
  started = false;
  clearWorkers();
  await stopBoss(options);
}
