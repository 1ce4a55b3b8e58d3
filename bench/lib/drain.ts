import path from "node:path";
import type pg from "pg";
import { countPending } from "./verify";
import { cpuSecondsOf, sleep, startCpuMeter, startProcess, stopProcess, type CpuProbe, type Tracked } from "./processes";

export type WaitForBacklogOptions = { pool: pg.Pool; channelId: string | string[]; timeoutSeconds: number; progressSeconds: number; log: (message: string) => void; label: string };

export type WaitResult = { seconds: number; remaining: number; drained: boolean };

/** Waits (bounded) until no event of the channel is pending, logging progress. */
export async function waitForBacklog({ pool, channelId, timeoutSeconds, progressSeconds, log, label }: WaitForBacklogOptions): Promise<WaitResult> {
  const started = Date.now();
  let pending = await countPending(pool, channelId);
  let lastLog = Date.now();
  while (pending > 0 && Date.now() - started < timeoutSeconds * 1000) {
    await sleep(1000);
    pending = await countPending(pool, channelId);
    if (Date.now() - lastLog >= progressSeconds * 1000) {
      log(`  ${label}: ${pending} events pending after ${Math.round((Date.now() - started) / 1000)} s`);
      lastLog = Date.now();
    }
  }
  return { seconds: (Date.now() - started) / 1000, remaining: pending, drained: pending === 0 };
}

export type DrainResult = {
  backlog: number;
  workers: number;
  processed: number;
  failed: number;
  remaining: number;
  drained: boolean;
  /** From spawning the workers to an empty backlog (includes their start-up). */
  wallSeconds: number;
  wallEventsPerSecond: number;
  /** From the first to the last processedAt: the workers' steady rate. */
  steadySeconds: number;
  eventsPerSecond: number;
  cpu: Record<string, number>;
  /** Afterwards, the wait for older events (other channels, jobs orphaned by a stopped server). */
  leftover?: { seconds: number; remaining: number };
};

export type StartWorkerProcessesOptions = { root: string; env: NodeJS.ProcessEnv; count: number; logDir: string; name: string };

/** `count` standalone worker processes (= `npm run worker`), each logging to its own file. */
export function startWorkerProcesses({ root, env, count, logDir, name }: StartWorkerProcessesOptions): Tracked[] {
  return Array.from({ length: count }, (_, i) =>
    startProcess({
      name: `${name}-${i + 1}`,
      command: process.execPath,
      // = npm run worker (tsx with the react-server condition, so `server-only` imports resolve)
      args: ["--conditions", "react-server", "--import", "tsx", "scripts/worker.ts"],
      env,
      cwd: root,
      logFile: path.join(logDir, `${name}-${i + 1}.log`),
    }),
  );
}

export type MeasureDrainOptions = {
  root: string;
  env: NodeJS.ProcessEnv;
  pool: pg.Pool;
  channelId: string;
  workers: number;
  timeoutSeconds: number;
  progressSeconds: number;
  logDir: string;
  extraCpuProbes: CpuProbe[];
  log: (message: string) => void;
  /**
   * The run's other channels: their pending events (left over from the load phases) are older, so
   * the workers take them first; they count in the rate, and afterwards the workers keep running
   * (bounded) until those have nothing pending either.
   */
  thenWaitFor?: { channelIds: string[]; timeoutSeconds: number };
};

/**
 * Starts `workers` standalone worker processes (`npm run worker`) on a backlog that is already
 * stored and queued, and measures how fast it empties. Progress is read from WebhookEvent.status.
 */
export async function measureDrain({ root, env, pool, channelId, workers, timeoutSeconds, progressSeconds, logDir, extraCpuProbes, log, thenWaitFor }: MeasureDrainOptions): Promise<DrainResult> {
  const allChannels = [channelId, ...(thenWaitFor?.channelIds ?? [])];
  // Requests cut off at the end of the last load phase may still be committing.
  await sleep(2000);
  const backlog = await countPending(pool, allChannels);
  const startEpoch = Date.now() / 1000;
  log(`draining a backlog of ${backlog} events (${await countPending(pool, channelId)} posted for the drain) with ${workers} worker process(es)`);
  const children = startWorkerProcesses({ root, env, count: workers, logDir, name: "drain-worker" });
  const meter = startCpuMeter([
    { label: "workers", read: () => children.reduce((sum, child) => sum + (child.child.pid ? cpuSecondsOf(child.child.pid) : 0), 0) },
    ...extraCpuProbes,
  ]);
  let pending = backlog;
  let lastLog = Date.now();
  let lastPending = backlog;
  while (pending > 0 && Date.now() / 1000 - startEpoch < timeoutSeconds) {
    await sleep(1000);
    for (const child of children) {
      if (child.child.exitCode !== null) throw new Error(`${child.name} exited (${child.child.exitCode}); see ${child.logFile}`);
    }
    pending = await countPending(pool, channelId);
    if (Date.now() - lastLog >= progressSeconds * 1000) {
      const rate = (lastPending - pending) / ((Date.now() - lastLog) / 1000);
      log(`  drain: ${pending} pending, ${Math.round(rate)} events/s over the last ${progressSeconds} s`);
      lastLog = Date.now();
      lastPending = pending;
    }
  }
  let leftover: DrainResult["leftover"];
  if (thenWaitFor) {
    log(`drained; now waiting (at most ${thenWaitFor.timeoutSeconds} s) for the older events still pending`);
    const waited = await waitForBacklog({ pool, channelId: thenWaitFor.channelIds, timeoutSeconds: thenWaitFor.timeoutSeconds, progressSeconds: progressSeconds * 4, log, label: "older events" });
    leftover = { seconds: waited.seconds, remaining: waited.remaining };
  }
  const wallSeconds = Date.now() / 1000 - startEpoch;
  const cpu = meter();
  pending = await countPending(pool, allChannels);
  await Promise.all(children.map((child) => stopProcess(child)));
  const { rows } = await pool.query<{ processed: string; failed: string; first: number | null; last: number | null }>(
    `SELECT count(*) FILTER (WHERE status = 'processed')::text AS processed, count(*) FILTER (WHERE status = 'failed')::text AS failed,
            extract(epoch FROM min("processedAt"))::float8 AS first, extract(epoch FROM max("processedAt"))::float8 AS last
     FROM "WebhookEvent" WHERE "channelId" = ANY($1) AND "processedAt" >= (to_timestamp($2) AT TIME ZONE 'UTC')`,
    [allChannels, startEpoch],
  );
  const processed = Number(rows[0].processed);
  const steadySeconds = rows[0].first !== null && rows[0].last !== null ? rows[0].last - rows[0].first : 0;
  return {
    backlog,
    workers,
    processed,
    failed: Number(rows[0].failed),
    remaining: pending,
    drained: pending === 0,
    wallSeconds,
    wallEventsPerSecond: processed / wallSeconds,
    steadySeconds,
    eventsPerSecond: steadySeconds > 0 ? processed / steadySeconds : 0,
    cpu,
    leftover,
  };
}
