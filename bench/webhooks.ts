// `npm run bench:webhooks`: webhook ingestion under load, on the embedded database and on a
// PostgreSQL server, against a bare baseline measured in the same run.
//
// Per target:
//  1. start the production build (`npm start`: embedded PGlite, or DATABASE_URL) with its job
//     workers as BENCH_WORKERS_MODE says: "separate" (default; the web server with
//     RUN_WORKERS=false plus BENCH_LOAD_WORKERS `npm run worker` processes, the production shape
//     the README recommends) or "in-server" (RUN_WORKERS=true); seed a WhatsApp Cloud channel;
//  2. baseline (bench/lib/baseline-server.ts: node:http + HMAC + one pg INSERT, same database):
//     warm-up, sustained 300/s, burst 1000/s, peak (closed loop);
//  3. the app, same phases, every request a fresh signed delivery with a unique wamid; between
//     phases the workers get (bounded) time to catch up, so each phase starts alike;
//  4. right after the peak, while the workers are still busy with its backlog, stop the app and
//     its workers (SIGTERM) and count the jobs they left 'active' (a graceful stop leaves none);
//  5. restart the app with RUN_WORKERS=false: peak again (the ingestion path alone), then post
//     deliveries up to BENCH_BACKLOG pending events, then start `npm run worker` and measure the
//     drain. Posting the backlog through the endpoint (rather than INSERTing rows) keeps it
//     exactly what production would queue: same rows, same dedupe keys, same pg-boss jobs;
//  6. lost = acknowledged wamids missing from the database, duplicates = wamids stored twice,
//     and after the drain every acknowledged message must be a Message row, exactly once.
// Durations come from BENCH_* variables (bench/lib/config.ts); defaults are the issue's spec.
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { ensureBuild, startApp, type AppServer } from "./lib/app-server";
import { nonDefaultEnv, readConfig, type BenchConfig, type Target } from "./lib/config";
import { measureDrain, startWorkerProcesses, waitForBacklog } from "./lib/drain";
import { createPayloadFactory, runClosed, runPaced, type Delivery, type PhaseResult } from "./lib/load";
import { describeMachine } from "./lib/machine";
import { findPostgresBin, postmasterPid, startPostgres, type PostgresServer } from "./lib/postgres-server";
import { cleanupAll, cpuSecondsOf, freePort, onCleanup, selfCpuSeconds, sleep, startCpuMeter, startProcess, stopProcess, waitForHttp, type CpuProbe, type Tracked } from "./lib/processes";
import { evaluate, PHASE, renderTarget, writeResults, type RunInfo, type SystemRun, type TargetResult } from "./lib/report";
import { createBaselineTable, seedChannel, type BenchChannel } from "./lib/seed";
import { checkProcessed, checkStored, countActiveJobs, countPending } from "./lib/verify";

const root = path.resolve(import.meta.dirname, "..");
const log = (message: string) => console.log(`[bench] ${message}`);

const config = readConfig();
const runId = new Date().toISOString().replace(/[:.]/g, "-");
const outDir = path.join(root, "bench", ".out", `webhooks-${runId}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    log(`${signal}: stopping every process this run started`);
    void cleanupAll().finally(() => process.exit(130));
  });
}

type System = { label: "app" | "baseline"; baseUrl: string; path: string };

async function runPhases(system: System, next: () => Delivery, accepted: string[], probes: CpuProbe[], between: (after: string) => Promise<void>) {
  const phases: PhaseResult[] = [];
  const common = { baseUrl: system.baseUrl, path: system.path, next, accepted, log, progressEverySeconds: config.progressSeconds };
  const paced = { maxSockets: config.maxSockets, timeoutMs: config.requestTimeoutSeconds * 1000 };
  const measured = async (run: () => Promise<PhaseResult>) => {
    const meter = startCpuMeter(probes);
    const phase = await run();
    phase.cpu = meter();
    log(`${system.label} ${phase.name}: ${Math.round(phase.acceptedPerSecond)} req/s accepted, p50 ${phase.latencyMs.p50.toFixed(1)} ms, p99 ${phase.latencyMs.p99.toFixed(1)} ms, ${phase.sent - phase.ok} not accepted`);
    phases.push(phase);
    return phase;
  };
  // Closed-loop warm-up: the server's routes load lazily and the JIT needs traffic before measuring.
  if (config.warmupSeconds > 0) await measured(() => runClosed({ ...common, name: PHASE.warmup, connections: 16, timeoutSeconds: config.requestTimeoutSeconds, seconds: config.warmupSeconds }));
  if (config.sustainedSeconds > 0) {
    log(`${system.label}: sustained ${config.sustainedRate} req/s for ${config.sustainedSeconds} s`);
    await measured(() => runPaced({ ...common, ...paced, name: PHASE.sustained, rate: config.sustainedRate, seconds: config.sustainedSeconds }));
    await between(PHASE.sustained);
  }
  if (config.burstSeconds > 0) {
    log(`${system.label}: burst ${config.burstRate} req/s for ${config.burstSeconds} s`);
    await measured(() => runPaced({ ...common, ...paced, name: PHASE.burst, rate: config.burstRate, seconds: config.burstSeconds }));
    await between(PHASE.burst);
  }
  if (config.peakSeconds > 0) {
    log(`${system.label}: peak, ${config.peakConnections} connections for ${config.peakSeconds} s`);
    await measured(() => runClosed({ ...common, name: PHASE.peak, connections: config.peakConnections, timeoutSeconds: config.requestTimeoutSeconds, seconds: config.peakSeconds }));
    // No catching up after the last phase: the app is stopped while its workers are busy.
  }
  return phases;
}

/** A wrong signature must be refused (401) and stored nowhere: the baseline is not a no-op either. */
async function checkSignature(label: string, url: string): Promise<string> {
  const response = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json", "X-Hub-Signature-256": `sha256=${"0".repeat(64)}` }, body: '{"object":"whatsapp_business_account","entry":[]}' });
  return `${label} answers ${response.status} to a wrong signature${response.status === 401 ? "" : " (expected 401!)"}`;
}

async function runTarget(target: Target, cfg: BenchConfig): Promise<TargetResult> {
  const workDir = mkdtempSync(path.join(tmpdir(), `switchboard-bench-${target}-`));
  const logDir = path.join(outDir, target);
  mkdirSync(logDir, { recursive: true });
  let postgres: PostgresServer | null = null;
  let app: AppServer | null = null;
  let pool: pg.Pool | null = null;
  const result: TargetResult = { target, database: "", signatureChecks: [] };
  const secrets = { NEXTAUTH_SECRET: randomBytes(32).toString("base64url"), ENCRYPTION_KEY: randomBytes(32).toString("base64") };
  // seedChannel encrypts the credentials in this process with the app's key.
  process.env.ENCRYPTION_KEY = secrets.ENCRYPTION_KEY;
  try {
    let databaseUrl: string;
    const env: NodeJS.ProcessEnv = { ...process.env, ...secrets, LOG_LEVEL: "warn", NODE_ENV: "production" };
    for (const key of ["DATABASE_URL", "EMBEDDED_DB_DIR", "EMBEDDED_DB_PORT", "PORT", "RUN_WORKERS", "NEXT_DIST_DIR", "NEXTAUTH_URL"]) delete env[key];
    let dbProbe: CpuProbe;
    let appProbe: CpuProbe;
    const appPid = () => app?.process.child.pid ?? 0;
    if (target === "postgres") {
      const bin = findPostgresBin();
      if (!bin) {
        result.skipped = "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin. Install them with `apt-get install -y postgresql` (only the binaries are used: the benchmark runs its own throwaway cluster) and run again.";
        result.database = "PostgreSQL (not installed)";
        log(`PostgreSQL part skipped: ${result.skipped}`);
        return result;
      }
      log("starting a throwaway PostgreSQL cluster (initdb, default settings: fsync on, synchronous_commit on)");
      postgres = startPostgres({ bin, port: await freePort() });
      const server = postgres;
      onCleanup(() => server.stop());
      databaseUrl = postgres.url;
      env.DATABASE_URL = databaseUrl;
      result.database = `${postgres.version}, default settings (fsync on, synchronous_commit on, shared_buffers 128MB), loopback TCP`;
      dbProbe = { label: "db", read: () => cpuSecondsOf(postmasterPid(server.dataDir) ?? 0) };
      appProbe = { label: "app", read: () => cpuSecondsOf(appPid()) };
    } else {
      const dbPort = await freePort();
      env.EMBEDDED_DB_DIR = path.join(workDir, "pglite");
      env.EMBEDDED_DB_PORT = String(dbPort);
      databaseUrl = `postgresql://postgres:postgres@127.0.0.1:${dbPort}/postgres?sslmode=disable`;
      result.database = `PGlite ${describeMachine(root).pglite} embedded by \`npm start\` (WASM, one backend, in the start.ts process; app and bench connect through its loopback socket)`;
      // PGlite runs inside the start.ts process itself; next start is its child.
      dbProbe = { label: "db", read: () => cpuSecondsOf(appPid(), { withDescendants: false }) };
      appProbe = { label: "app", read: () => cpuSecondsOf(appPid()) - cpuSecondsOf(appPid(), { withDescendants: false }) };
    }
    const generatorProbe: CpuProbe = { label: "gen", read: selfCpuSeconds };
    onCleanup(() => rmSync(workDir, { recursive: true, force: true }));

    const appPort = await freePort();
    const inServer = cfg.workersMode === "in-server";
    log(`starting the app (npm start, ${inServer ? "workers inside" : `RUN_WORKERS=false + ${cfg.loadWorkers} npm run worker process(es)`}) on port ${appPort}`);
    app = await startApp({ root, name: "app", port: appPort, env: { ...env, RUN_WORKERS: inServer ? "true" : "false" }, logFile: path.join(logDir, "app.log") });
    const workersEnv = { ...env, DATABASE_URL: databaseUrl };
    let loadWorkers: Tracked[] = inServer ? [] : startWorkerProcesses({ root, env: workersEnv, count: cfg.loadWorkers, logDir, name: "worker" });
    const workersProbe: CpuProbe = { label: "workers", read: () => loadWorkers.reduce((sum, worker) => sum + cpuSecondsOf(worker.child.pid ?? 0), 0) };
    pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    pool.on("error", () => undefined);
    if (cfg.proposedJobIndex) await createProposedJobIndex(pool);
    const channel: BenchChannel = await seedChannel(pool);
    await createBaselineTable(pool);
    const next = createPayloadFactory({ channel, contacts: cfg.contacts });
    const appPath = `/api/webhooks/whatsapp/${channel.channelId}`;

    // Baseline first, while the app's workers have nothing to do.
    const baselinePort = await freePort();
    const baselineServer = startProcess({
      name: "baseline",
      command: process.execPath,
      args: ["--import", "tsx", "bench/lib/baseline-server.ts"],
      env: { ...process.env, DATABASE_URL: databaseUrl, APP_SECRET: channel.appSecret, PORT: String(baselinePort) },
      cwd: root,
      logFile: path.join(logDir, "baseline.log"),
    });
    const baselineUrl = `http://127.0.0.1:${baselinePort}`;
    await waitForHttp({ url: `${baselineUrl}/health`, timeoutMs: 30_000, process: baselineServer });
    result.signatureChecks.push(await checkSignature("baseline", `${baselineUrl}/webhook`));
    result.signatureChecks.push(await checkSignature("app", `${app.baseUrl}${appPath}`));
    const baselineAccepted: string[] = [];
    const baselineProbe: CpuProbe = { label: "baseline", read: () => cpuSecondsOf(baselineServer.child.pid ?? 0) };
    const baselineRun: SystemRun = { phases: [], stored: null };
    result.baseline = baselineRun;
    baselineRun.phases = await runPhases({ label: "baseline", baseUrl: baselineUrl, path: "/webhook" }, next, baselineAccepted, [baselineProbe, dbProbe, generatorProbe], async () => undefined);
    await stopProcess(baselineServer);
    baselineRun.stored = await checkStored({ pool, table: "baseline", acknowledged: baselineAccepted });

    // The app as deployed: workers inside the server.
    const appAccepted: string[] = [];
    const appRun: NonNullable<TargetResult["app"]> = { phases: [], stored: null, settles: [], processedAfterLoad: null };
    result.app = appRun;
    const settle = async (after: string) => {
      const activePool = pool!;
      const waited = await waitForBacklog({ pool: activePool, channelId: channel.channelId, timeoutSeconds: cfg.settleMaxSeconds, progressSeconds: cfg.progressSeconds, log, label: `workers catching up after ${after}` });
      appRun.settles.push({ after, result: waited });
    };
    const appProbes = inServer ? [appProbe, dbProbe, generatorProbe] : [appProbe, workersProbe, dbProbe, generatorProbe];
    appRun.phases = await runPhases({ label: "app", baseUrl: app.baseUrl, path: appPath }, next, appAccepted, appProbes, settle);
    appRun.processedAfterLoad = await checkProcessed(pool, [channel.channelId], appAccepted);

    // Stop the app and its workers (SIGTERM, as a deploy does) while they still have the peak's
    // backlog to work on, then the ingestion path alone, then the drain.
    // (The pool closes first: the embedded database lives in the server's process.)
    result.pendingAtStop = await countPending(pool, channel.channelId);
    await pool.end();
    pool = null;
    await Promise.all([...loadWorkers.map((worker) => stopProcess(worker)), stopProcess(app.process)]);
    loadWorkers = [];
    log("restarting the app with RUN_WORKERS=false");
    app = await startApp({ root, name: "app-no-workers", port: appPort, env: { ...env, RUN_WORKERS: "false" }, logFile: path.join(logDir, "app-no-workers.log") });
    pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    pool.on("error", () => undefined);
    // Nothing fetches jobs now, so 'active' ones were left by the stopped processes.
    result.orphanedJobs = await countActiveJobs(pool);
    log(`stopping the app and its workers with ${result.pendingAtStop} events pending left ${result.orphanedJobs} webhook jobs 'active'`);
    // A second channel for the drain, so its backlog is exactly what this stage posted (the
    // first channel may still have events pending, or held by jobs the stopped server orphaned).
    const drainChannel = await seedChannel(pool);
    const drainPath = `/api/webhooks/whatsapp/${drainChannel.channelId}`;
    const nextForDrain = createPayloadFactory({ channel: drainChannel, contacts: cfg.contacts });
    const common = { baseUrl: app.baseUrl, path: drainPath, next: nextForDrain, accepted: appAccepted, log, progressEverySeconds: cfg.progressSeconds };
    // The server process is new: warm it up like the first one.
    if (cfg.warmupSeconds > 0) await runClosed({ ...common, name: PHASE.warmup, connections: 16, timeoutSeconds: cfg.requestTimeoutSeconds, seconds: cfg.warmupSeconds });
    if (cfg.noWorkersSustainedSeconds > 0) {
      log(`app: sustained ${cfg.sustainedRate} req/s with RUN_WORKERS=false for ${cfg.noWorkersSustainedSeconds} s`);
      const meter = startCpuMeter([appProbe, dbProbe, generatorProbe]);
      const phase = await runPaced({ ...common, name: PHASE.sustainedNoWorkers, rate: cfg.sustainedRate, seconds: cfg.noWorkersSustainedSeconds, maxSockets: cfg.maxSockets, timeoutMs: cfg.requestTimeoutSeconds * 1000 });
      phase.cpu = meter();
      log(`app ${phase.name}: ${Math.round(phase.acceptedPerSecond)} req/s accepted, p50 ${phase.latencyMs.p50.toFixed(1)} ms, p99 ${phase.latencyMs.p99.toFixed(1)} ms`);
      appRun.phases.push(phase);
    }
    if (cfg.peakSeconds > 0) {
      log(`app: peak with RUN_WORKERS=false, ${cfg.peakConnections} connections for ${cfg.peakSeconds} s`);
      const meter = startCpuMeter([appProbe, dbProbe, generatorProbe]);
      const phase = await runClosed({ ...common, name: PHASE.peakNoWorkers, connections: cfg.peakConnections, timeoutSeconds: cfg.requestTimeoutSeconds, seconds: cfg.peakSeconds });
      phase.cpu = meter();
      log(`app ${phase.name}: ${Math.round(phase.acceptedPerSecond)} req/s accepted, p99 ${phase.latencyMs.p99.toFixed(1)} ms`);
      appRun.phases.push(phase);
    }
    const missing = cfg.backlog - (await countPending(pool, drainChannel.channelId));
    if (missing > 0) {
      log(`posting ${missing} more deliveries for a backlog of ${cfg.backlog}`);
      const meter = startCpuMeter([appProbe, dbProbe, generatorProbe]);
      const phase = await runClosed({ ...common, name: PHASE.backlog, connections: cfg.peakConnections, timeoutSeconds: cfg.requestTimeoutSeconds, amount: missing });
      phase.cpu = meter();
      appRun.phases.push(phase);
    }
    const channelIds = [channel.channelId, drainChannel.channelId];
    appRun.stored = await checkStored({ pool, table: "app", channelIds, acknowledged: appAccepted });
    if (cfg.backlog > 0) {
      result.drain = await measureDrain({
        root,
        env: workersEnv,
        pool,
        channelId: drainChannel.channelId,
        workers: cfg.drainWorkers,
        timeoutSeconds: cfg.drainTimeoutSeconds,
        progressSeconds: Math.min(cfg.progressSeconds, 5),
        logDir,
        extraCpuProbes: [dbProbe],
        log,
        // Orphaned jobs come back after webhook-process's expireInSeconds (300 s).
        thenWaitFor: { channelIds, timeoutSeconds: Math.max(cfg.settleMaxSeconds, 360) },
      });
      result.processed = await checkProcessed(pool, channelIds, appAccepted);
    }
  } catch (error) {
    result.error = (error as Error).message;
    log(`${target}: FAILED: ${result.error}`);
  } finally {
    if (pool) await pool.end().catch(() => undefined);
    if (app) await stopProcess(app.process);
    if (postgres) postgres.stop();
  }
  return result;
}

/**
 * The index proposed in bench/RESULTS.md for pg-boss's fetch (ORDER BY priority, created_on, id
 * over every pending job of a queue, O(backlog) per fetch without it). Only with
 * BENCH_PROPOSED_JOB_INDEX=1, on the run's throwaway database, once pg-boss has created its schema.
 */
async function createProposedJobIndex(pool: pg.Pool) {
  for (let waited = 0; waited < 120; waited++) {
    const { rows } = await pool.query<{ job: string | null }>(`SELECT to_regclass('pgboss.job')::text AS job`);
    if (rows[0].job) break;
    await sleep(1000);
  }
  await pool.query(PROPOSED_JOB_INDEX_SQL);
  log(`created the proposed pg-boss fetch index: ${PROPOSED_JOB_INDEX_SQL}`);
}

const PROPOSED_JOB_INDEX_SQL = `CREATE INDEX IF NOT EXISTS job_fetch_order ON pgboss.job (name, priority DESC, created_on, id) WHERE state < 'active'`;

type SavedRun = { startedAt: string; machine: RunInfo["machine"]; config: BenchConfig; build: string; runs?: { info: RunInfo; result: TargetResult }[]; results: TargetResult[] };

/** `--render bench/.out/…/results.json`: rewrite RESULTS.md from a saved run (after a report change). */
function renderSaved(file: string) {
  const saved = JSON.parse(readFileSync(file, "utf8")) as SavedRun;
  const runs = saved.runs ?? saved.results.map((result) => ({
    info: { startedAt: saved.startedAt, finishedAt: statSync(file).mtime, command: "(not recorded in this results.json)", machine: saved.machine, build: saved.build, config: saved.config } as unknown as RunInfo,
    result,
  }));
  // Knobs a saved run does not have take today's defaults; runs older than the no-workers phase had none.
  const defaults: BenchConfig = { ...readConfig(), noWorkersSustainedSeconds: 0, workersMode: "in-server", proposedJobIndex: false };
  for (const { info, result } of runs) {
    const markdown = renderTarget(result, { ...info, startedAt: new Date(info.startedAt), finishedAt: new Date(info.finishedAt), config: { ...defaults, ...info.config } });
    console.log(`\n${markdown}\n`);
    writeResults(path.join(root, "bench", "RESULTS.md"), result.target, markdown);
  }
}

async function main() {
  const renderArg = process.argv.indexOf("--render");
  if (renderArg > 0) return renderSaved(process.argv[renderArg + 1]);
  mkdirSync(outDir, { recursive: true });
  const startedAt = new Date();
  const machine = describeMachine(root);
  const command = `${nonDefaultEnv()} npm run bench:webhooks`.trim();
  log(`machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}, load ${machine.loadAverageAtStart.join(" / ")}`);
  log(`targets: ${config.targets.join(", ")}; logs and raw results in ${path.relative(root, outDir)}`);
  const build = ensureBuild({ root, mode: config.build, log });
  const runs: { info: RunInfo; result: TargetResult }[] = [];
  for (const target of config.targets) {
    log(`=== target: ${target}`);
    const result = await runTarget(target, config);
    const info: RunInfo = { startedAt, finishedAt: new Date(), command, machine, build, config };
    runs.push({ info, result });
    const markdown = renderTarget(result, info);
    console.log(`\n${markdown}\n`);
    if (config.writeResults) writeResults(path.join(root, "bench", "RESULTS.md"), target, markdown);
    const results = runs.map((run) => run.result);
    writeFileSync(path.join(outDir, "results.json"), JSON.stringify({ startedAt, machine, config, build, runs, results, checks: results.map((r) => evaluate(r, config)) }, null, 2));
  }
  const results = runs.map((run) => run.result);
  if (config.writeResults) log("bench/RESULTS.md updated");
  await cleanupAll();
  const failed = results.some((r) => r.error);
  process.exit(failed ? 1 : 0);
}

main().catch(async (error: Error) => {
  console.error(`[bench] ${error.stack ?? error.message}`);
  await cleanupAll();
  process.exit(1);
});
