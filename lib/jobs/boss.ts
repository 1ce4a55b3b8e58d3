import "server-only";
import PgBoss from "pg-boss";
import { logger } from "@/lib/logger";
import { queues } from "./queues";

const globalForBoss = globalThis as unknown as { switchboardBoss?: Promise<PgBoss> };

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

async function startBoss() {
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString) throw new Error("DATABASE_URL is not set");
  const boss = new PgBoss({
    connectionString,
    schema: "pgboss",
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

export async function stopBoss() {
  const pending = globalForBoss.switchboardBoss;
  globalForBoss.switchboardBoss = undefined;
  if (pending) await (await pending).stop({ graceful: true, timeout: 10_000 });
}
