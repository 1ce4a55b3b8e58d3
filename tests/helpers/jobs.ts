// Running the job pipeline from tests, two ways:
//
// 1. Deterministically, one test's jobs only: `runJobs` / `processStoredEvents` claim the
//    pg-boss jobs a test created (matched by their payload) exactly as a pg-boss worker's fetch
//    does, run the registered handler in the test, then complete or fail the job through pg-boss.
//    Other files' jobs on the shared database are never touched, and nothing polls.
//
// 2. With real workers (lib/jobs/start-workers.ts) for the crash/restart tests. Real workers take
//    every job of a queue, so they run on a private pg-boss schema (`useIsolatedJobSchema`): the
//    process's pg-boss singleton is replaced by one on `pgboss_test_<random>`, whose queues get
//    test-sized expiry and retry delays, and maintenance runs every second. Nothing of the app
//    changes: lib/jobs/boss.ts keeps its instance on globalThis, the same way the database-down
//    tests swap the Prisma client.
import { randomBytes } from "node:crypto";
import PgBoss from "pg-boss";
import { prisma } from "@/lib/db/client";
import { getPgPool } from "@/lib/db/pg";
import { getBoss } from "@/lib/jobs/boss";
import { queues, type QueueName } from "@/lib/jobs/queues";
import { registry } from "@/lib/jobs/registry";
import { startWorkers, stopWorkers } from "@/lib/jobs/start-workers";
import type { Prisma } from "@/lib/generated/prisma/client";

const globalForBoss = globalThis as unknown as { switchboardBoss?: Promise<PgBoss>; switchboardJobSchema?: string };

let jobSchema = "pgboss";

/** The schema pg-boss uses in this test file ("pgboss" unless isolated). */
export function currentJobSchema() {
  return jobSchema;
}

export type JobRow = {
  id: string;
  name: string;
  state: string;
  data: Record<string, unknown>;
  retryCount: number;
  retryLimit: number;
  createdOn: Date;
  startedOn: Date | null;
};

export type JobMatch = { queue: QueueName; match: Record<string, string> };

/** Every job of `queue` whose payload contains `match` (e.g. `{ eventId }`), oldest first. */
export async function listJobs({ queue, match }: JobMatch): Promise<JobRow[]> {
  const { rows } = await getPgPool().query(
    `SELECT id, name, state::text AS state, data, retry_count, retry_limit, created_on, started_on
       FROM ${jobSchema}.job WHERE name = $1 AND data @> $2::jsonb ORDER BY created_on, id`,
    [queue, JSON.stringify(match)],
  );
  return rows.map(toJobRow);
}

function toJobRow(row: Record<string, unknown>): JobRow {
  return {
    id: String(row.id),
    name: String(row.name),
    state: String(row.state),
    data: row.data as Record<string, unknown>,
    retryCount: Number(row.retry_count),
    retryLimit: Number(row.retry_limit),
    createdOn: row.created_on as Date,
    startedOn: (row.started_on as Date | null) ?? null,
  };
}

/**
 * Takes the waiting jobs of `queue` whose payload contains `match` exactly as pg-boss's fetch
 * does (state → active, started_on = now, retry_count + 1 when it ran before), without running
 * them. On its own, this is a worker that took the jobs and died: pg-boss re-queues them once
 * they pass their queue's expireInSeconds.
 */
export async function claimJobs({ queue, match }: JobMatch): Promise<JobRow[]> {
  const { rows } = await getPgPool().query(
    `UPDATE ${jobSchema}.job SET state = 'active', started_on = now(),
         retry_count = CASE WHEN started_on IS NOT NULL THEN retry_count + 1 ELSE retry_count END
       WHERE name = $1 AND state < 'active' AND data @> $2::jsonb
       RETURNING id, name, state::text AS state, data, retry_count, retry_limit, created_on, started_on`,
    [queue, JSON.stringify(match)],
  );
  return rows.map(toJobRow).sort((a, b) => a.createdOn.getTime() - b.createdOn.getTime() || a.id.localeCompare(b.id));
}

export type JobRun = { job: JobRow; result?: unknown; error?: Error };

/**
 * Claims the waiting jobs of `queue` whose payload contains `match` (see claimJobs), runs the registered
 * handler with the same metadata a worker passes, then completes the job or fails it (pg-boss
 * decides retry or dead letter). A job waiting for its retry backoff is run now: tests do not
 * wait for backoff. Returns one entry per job, in creation order; handler errors are returned,
 * not thrown.
 */
export async function runJobs({ queue, match }: JobMatch): Promise<JobRun[]> {
  const boss = await getBoss();
  const jobs = await claimJobs({ queue, match });
  const runs: JobRun[] = [];
  for (const job of jobs) {
    try {
      const result = await registry[queue].handler(job.data, { retryCount: job.retryCount, retryLimit: job.retryLimit });
      await boss.complete(queue, job.id, toOutput(result));
      runs.push({ job, result });
    } catch (caught) {
      const error = caught instanceof Error ? caught : new Error(String(caught));
      await boss.fail(queue, job.id, { message: error.message.slice(0, 500) });
      runs.push({ job, error });
    }
  }
  return runs;
}

function toOutput(result: unknown): object | undefined {
  return typeof result === "object" && result !== null ? result : undefined;
}

/**
 * Runs the webhook-process jobs of the stored events matching `where` (e.g. `{ channelId }`,
 * or `{ provider: "instagram", body }` for the platform-wide endpoint), oldest event first.
 * Returns the event ids and the job runs; throws if a handler failed unless `allowErrors`.
 */
export async function processStoredEvents(where: Prisma.WebhookEventWhereInput, { allowErrors = false } = {}) {
  const events = await prisma.webhookEvent.findMany({ where, orderBy: [{ receivedAt: "asc" }, { id: "asc" }], select: { id: true } });
  const runs: JobRun[] = [];
  for (const event of events) runs.push(...(await runJobs({ queue: queues.processWebhook.name, match: { eventId: event.id } })));
  const failed = runs.find((run) => run.error);
  if (failed && !allowErrors) throw failed.error;
  return { eventIds: events.map((event) => event.id), runs };
}

/** Runs the send job(s) of one outbound message. */
export function runSendJobs(messageId: string) {
  return runJobs({ queue: queues.sendMessage.name, match: { messageId } });
}

/**
 * Cancels the jobs this file's workspaces left waiting (events a test stored but processed
 * directly, replays, profile fetches), as pg-boss's cancel() does. Call it in afterAll, so a
 * test elsewhere that runs real workers on the shared schema never picks up this file's work.
 */
export async function discardWaitingJobs(workspaceIds: string[]) {
  await getPgPool().query(
    `UPDATE ${jobSchema}.job SET state = 'cancelled', completed_on = now()
      WHERE state < 'active' AND (
        (name = $2 AND data->>'eventId' IN (SELECT id FROM "WebhookEvent" WHERE "workspaceId" = ANY($1)))
        OR (name = $3 AND data->>'messageId' IN (SELECT id FROM "Message" WHERE "workspaceId" = ANY($1)))
        OR (name = $4 AND data->>'contactId' IN (SELECT id FROM "Contact" WHERE "workspaceId" = ANY($1))))`,
    [workspaceIds, queues.processWebhook.name, queues.sendMessage.name, queues.fetchProfile.name],
  );
}

// ---------------------------------------------------------------------------------------------
// Real workers on a private schema

export type QueueOverrides = Partial<Record<QueueName, Partial<Pick<PgBoss.Queue, "expireInSeconds" | "retryDelay" | "retryBackoff" | "retryLimit">>>>;

export type IsolatedJobSchema = {
  schema: string;
  /** Starts lib/jobs/start-workers.ts on the private schema (again after a stop). */
  startWorkers: () => Promise<void>;
  /** lib/jobs/start-workers.ts stopWorkers() (graceful: waits for jobs in flight, 10 s at most), then a fresh pg-boss on the private schema without workers. */
  stopWorkers: () => Promise<void>;
  /** Stops the workers and drops the private schema. */
  dispose: () => Promise<void>;
};

/**
 * Points this process's pg-boss at a new private schema, so real workers only ever see this
 * file's jobs. `overrides` shorten queue options for the test (e.g. `expireInSeconds: 2` so a
 * job left active by a killed worker is retried within seconds instead of minutes).
 */
export async function useIsolatedJobSchema(overrides: QueueOverrides = {}): Promise<IsolatedJobSchema> {
  await stopWorkers();
  const previous = globalForBoss.switchboardBoss;
  if (previous) await (await previous).stop({ graceful: false });
  globalForBoss.switchboardBoss = undefined;
  const schema = `pgboss_test_${randomBytes(4).toString("hex")}`;
  jobSchema = schema;
  // Read by lib/jobs/boss.ts getJobSchema(): webhook ingestion writes its jobs with its own SQL.
  globalForBoss.switchboardJobSchema = schema;

  const install = () => {
    globalForBoss.switchboardBoss ??= startIsolatedBoss(schema, overrides);
    return globalForBoss.switchboardBoss;
  };
  await install();
  return {
    schema,
    startWorkers: async () => {
      await install();
      await startWorkers();
    },
    stopWorkers: async () => {
      await stopWorkers();
      // stopWorkers() drops the process's pg-boss; whatever this file enqueues next (a webhook,
      // a reply) must still land on the private schema, not on the shared one.
      await install();
    },
    dispose: async () => {
      await stopWorkers();
      const boss = globalForBoss.switchboardBoss;
      globalForBoss.switchboardBoss = undefined;
      if (boss) await (await boss).stop({ graceful: false });
      await getPgPool().query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      jobSchema = "pgboss";
      globalForBoss.switchboardJobSchema = undefined;
    },
  };
}

async function startIsolatedBoss(schema: string, overrides: QueueOverrides): Promise<PgBoss> {
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString) throw new Error("DATABASE_URL is not set");
  // Same settings as lib/jobs/boss.ts, plus maintenance (which expires jobs of dead workers)
  // every second instead of every two minutes.
  const boss = new PgBoss({ connectionString, schema, max: 4, supervise: true, maintenanceIntervalSeconds: 1 });
  boss.on("error", () => undefined);
  await boss.start();
  for (const queue of Object.values(queues) as { name: QueueName; options: PgBoss.Queue & { deadLetter?: string } }[]) {
    if (queue.options.deadLetter) await boss.createQueue(queue.options.deadLetter, { name: queue.options.deadLetter });
    await boss.createQueue(queue.name, { ...queue.options, ...overrides[queue.name] });
  }
  return boss;
}

// ---------------------------------------------------------------------------------------------

export type WaitForOptions = { timeoutMs?: number; intervalMs?: number; message?: string };

/** Polls `check` until it returns a truthy value (returned) or the deadline passes (throws). */
export async function waitFor<T>(check: () => Promise<T>, { timeoutMs = 20_000, intervalMs = 100, message = "condition" }: WaitForOptions = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await check();
    if (last) return last as NonNullable<T>;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${message} (last value: ${JSON.stringify(last)})`);
}
