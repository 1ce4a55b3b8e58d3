import "server-only";
import PgBoss from "pg-boss";
import { logger } from "@/lib/logger";
import { queues } from "./queues";

const globalForBoss = globalThis as unknown as { switchboardBoss?: Promise<PgBoss>; switchboardJobSchema?: string };

const DEFAULT_SCHEMA = "pgboss";

/**
 * The process's pg-boss instance, started once with every queue created (a job sent to a
 * queue that does not exist is silently dropped by pg-boss, so queues exist before any send).
 */
export function getBoss(): Promise<PgBoss> {
  globalForBoss.switchboardBoss ??= startBoss().catch((error) => {
    globalForBoss.switchboardBoss = undefined;
    throw error;
  });
  return globalForBoss.switchboardBoss;
}

/**
 * The schema of pg-boss's tables, for the few statements that write jobs themselves (webhook
 * ingestion inserts its event and job in one statement). JOBS_SCHEMA, "pgboss" by default.
 */
export function getJobSchema(): string {
  const schema = globalForBoss.switchboardJobSchema ?? process.env.JOBS_SCHEMA ?? DEFAULT_SCHEMA;
  // It is interpolated into SQL: an identifier, nothing else.
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`JOBS_SCHEMA must be a lower-case SQL identifier (got "${schema}")`);
  return schema;
}

async function startBoss() {
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString) throw new Error("DATABASE_URL is not set");
  const boss = new PgBoss({
    connectionString,
    schema: getJobSchema(),
    max: Number(process.env.JOBS_POOL_SIZE ?? 4),
    // Maintenance (archiving, expiring) runs in every process; pg-boss coordinates them.
    supervise: true,
  });
  boss.on("error", (error) => logger.error({ err: { message: error.message } }, "pg-boss error"));
  await boss.start();
  for (const queue of Object.values(queues) as { name: string; options: PgBoss.Queue }[]) {
    // The dead-letter queue must exist before the queue that names it.
    if (queue.options.deadLetter) await boss.createQueue(queue.options.deadLetter, { name: queue.options.deadLetter });
    await boss.createQueue(queue.name, queue.options);
  }
  return boss;
}

export type StopBossOptions = {
  /** How long jobs in flight may take to finish; the rest are failed back to their queue. */
  timeoutMs?: number;
};

/**
 * Stops fetching, waits up to `timeoutMs` for the jobs in flight, then fails whatever is still
 * running ("pg-boss shut down while active"): those jobs are retried after their queue's
 * retryDelay instead of staying 'active' until expireInSeconds (minutes) runs out.
 */
export async function stopBoss({ timeoutMs = 10_000 }: StopBossOptions = {}) {
  const pending = globalForBoss.switchboardBoss;
  if (!pending) return;
  // The instance stays the process's one until it has stopped: a job finishing during the
  // graceful window that enqueues more work (getBoss()) must reuse it, not start a second
  // pg-boss (which, inside a transaction on the embedded database, would block everything).
  try {
    const boss = await pending.catch(() => null);
    await boss?.stop({ graceful: true, timeout: timeoutMs });
  } finally {
    if (globalForBoss.switchboardBoss === pending) globalForBoss.switchboardBoss = undefined;
  }
}
