// `npm run bench:inbox`: the shared inbox's 3-second polling under load (issue 5's benchmark).
//
// Per target (PostgreSQL server by default: the spec's target; the embedded database on request):
//  1. start the production build as deployed (`npm start` on .next-bench-inbox, workers inside
//     the server), then seed with bulk SQL: one workspace with a WhatsApp Cloud channel, 500 agent
//     users, 20,000 contacts + conversations (assigned round-robin, some unassigned / archived /
//     blocked), 1,000,000 messages; VACUUM ANALYZE (bench/lib/inbox-seed.ts);
//  2. every agent signs its own next-auth session cookie (JWT with the server's NEXTAUTH_SECRET) and
//     gets its starting cursor from a first call of the delta endpoint without `since`;
//  3. warm-up at the spec's load, then measured phases, each with its own CPU meter (app process
//     tree, database, load generator, whole machine):
//     idle (nothing sent: the server's background CPU, subtracted from per-request costs) →
//     without webhooks, at BENCH_INBOX_QUIET_AGENTS clients (a load the server sustains, so CPU per
//     request is not inflated by work on abandoned requests): health checks, delta polls (all
//     unchanged), delta calls without `since` (auth + cursor, no delta query) →
//     optional sweep (BENCH_INBOX_SWEEP: fewer agents, polls + webhooks) →
//     health + webhooks at 50/s, 500 clients (the baseline: same concurrency, same webhook load) →
//     delta polls + webhooks at 50/s, 500 agents (the spec's phase: p50/p95/p99, share of 304).
//     Before each poll phase one unmeasured round brings the agents' cursors up to date (an agent
//     answered 409 "too much changed" takes a fresh cursor, as the UI reloads); after each phase
//     the in-server workers get (bounded) time to catch up and the server must answer a health
//     check quickly again. Every phase is bounded: an agent still behind one request timeout after
//     the phase's end stops, and its unsent polls are reported;
//  4. every acknowledged webhook must have become a Message row.
// Knobs: BENCH_INBOX_* (bench/lib/inbox-config.ts). Results: printed, bench/.out/inbox-*/results.json,
// and this benchmark's section of bench/RESULTS.md. Only 127.0.0.1 is contacted; every process the
// run started is stopped at the end, on failure and on Ctrl-C.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os, { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { encode } from "next-auth/jwt";
import pg from "pg";
import { waitForBacklog } from "./lib/drain";
import { buildHasRoute, ensureBuild, removeBuild, startApp, type AppServer } from "./lib/app-server";
import { inboxEnvLine, readInboxConfig, seedSize, type InboxBenchConfig, type InboxTarget } from "./lib/inbox-config";
import {
  changesPath,
  keepAliveAgent,
  request,
  runPollers,
  runWebhooks,
  summarize,
  VisibilityTracker,
  type ChangesBody,
  type PollClient,
  type PollKind,
  type WebhookPhaseResult,
} from "./lib/inbox-load";
import { evaluateInbox, PHASES, renderInboxTarget, sweepLabel, writeInboxResults, type CursorSetup, type InboxPhase, type InboxRunInfo, type InboxTargetResult } from "./lib/inbox-report";
import { conversationId, conversationLayout, openConversationsByAgent, seedInbox, userId, type InboxSeed } from "./lib/inbox-seed";
import { describeMachine } from "./lib/machine";
import { findPostgresBin, postmasterPid, startPostgres, type PostgresServer } from "./lib/postgres-server";
import { cleanupAll, cpuSecondsOf, freePort, onCleanup, selfCpuSeconds, sleep, startCpuMeter, stopProcess, type CpuProbe } from "./lib/processes";

const root = path.resolve(import.meta.dirname, "..");
const log = (message: string) => console.log(`[bench:inbox] ${message}`);
const CHANGES_ROUTE = "api/inbox/changes";
/** Its own build folder: bench:webhooks (.next-bench) may build and run at the same time. */
const INBOX_DIST_DIR = ".next-bench-inbox";

const config = readInboxConfig();
const runId = new Date().toISOString().replace(/[:.]/g, "-");
const outDir = path.join(root, "bench", ".out", `inbox-${runId}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    log(`${signal}: stopping every process this run started`);
    void cleanupAll().finally(() => process.exit(130));
  });
}

/** CPU seconds used by the whole machine (every core, every process) so far, from /proc/stat. */
function machineCpuSeconds(): number {
  try {
    const fields = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = fields;
    return (user + nice + system + irq + softirq + (steal ?? 0)) / 100;
  } catch {
    return 0;
  }
}

const load1 = () => Math.round(os.loadavg()[0] * 100) / 100;

async function sessionHeaders(i: number, slug: string, secret: string): Promise<Record<string, string>> {
  const jwt = await encode({ token: { sub: userId(i), email: `agent${i}@${slug}.bench.invalid`, name: `Agent ${i}` }, secret });
  return { Cookie: `next-auth.session-token=${jwt}`, "X-Workspace": slug };
}

/** Runs `fn` over items with at most `limit` at a time. */
async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

/** Step 2: every agent's starting cursor, from a first delta call without `since`. */
async function setupCursors(baseUrl: string, clients: PollClient[], pool: pg.Pool, timeoutMs: number): Promise<CursorSetup> {
  const agent = keepAliveAgent(16);
  const statuses: Record<string, number> = {};
  const latencies: number[] = [];
  let sample: string | null = null;
  let viaEndpoint = 0;
  let viaDatabase = 0;
  let firstConversations = 0;
  let firstMessages = 0;
  const t0 = performance.now();
  await eachLimited(clients, 16, async (client) => {
    const started = performance.now();
    try {
      const res = await request({ agent, baseUrl, path: changesPath(client, null), headers: client.headers, timeoutMs });
      latencies.push(performance.now() - started);
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      if (res.status === 200) {
        const body = JSON.parse(res.body) as ChangesBody;
        if (body.syncCursor) {
          client.cursor = body.syncCursor;
          viaEndpoint++;
          firstConversations += body.conversations?.length ?? 0;
          firstMessages += body.messages?.length ?? 0;
          return;
        }
      }
      sample ??= `${res.status} ${res.body.slice(0, 200)}`;
    } catch (error) {
      statuses.error = (statuses.error ?? 0) + 1;
      sample ??= (error as Error).message;
    }
    // The endpoint did not give a cursor: take one the way the server does, so the run goes on.
    const { rows } = await pool.query<{ cursor: string }>(`SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS cursor`);
    client.cursor = rows[0].cursor;
    viaDatabase++;
  });
  agent.destroy();
  return { viaEndpoint, viaDatabase, statuses, sample, seconds: (performance.now() - t0) / 1000, firstConversations, firstMessages, latencyMs: summarize(latencies) };
}

async function runTarget(target: InboxTarget, cfg: InboxBenchConfig, endpointInBuild: boolean): Promise<InboxTargetResult> {
  const workDir = mkdtempSync(path.join(tmpdir(), `switchboard-bench-inbox-${target}-`));
  onCleanup(() => rmSync(workDir, { recursive: true, force: true }));
  const logDir = path.join(outDir, target);
  mkdirSync(logDir, { recursive: true });
  const result: InboxTargetResult = {
    target,
    database: "",
    endpoint: { inSources: existsSync(path.join(root, "app", CHANGES_ROUTE, "route.ts")), inBuild: endpointInBuild },
    phases: [],
  };
  let postgres: PostgresServer | null = null;
  let app: AppServer | null = null;
  let pool: pg.Pool | null = null;
  const size = seedSize(cfg, target);
  // BENCH_INBOX_PG_DIR: the seeded cluster of an earlier run with the same seed size is reused
  // (with its secrets: the channel credentials are encrypted with its ENCRYPTION_KEY).
  const kept = target === "postgres" && cfg.pgDir ? readKeptSeed(cfg.pgDir, { agents: cfg.agents, ...size }) : null;
  const secrets = kept?.secrets ?? { NEXTAUTH_SECRET: randomBytes(32).toString("base64url"), ENCRYPTION_KEY: randomBytes(32).toString("base64") };
  // seedChannel encrypts the channel credentials in this process with the app's key.
  process.env.ENCRYPTION_KEY = secrets.ENCRYPTION_KEY;
  const agents = [keepAliveAgent(cfg.maxSockets), keepAliveAgent(cfg.maxSockets), keepAliveAgent(Math.max(8, Math.ceil(cfg.webhookRate)))];
  const [pollAgent, healthAgent, webhookAgent] = agents;
  try {
    let databaseUrl: string;
    const env: NodeJS.ProcessEnv = { ...process.env, ...secrets, LOG_LEVEL: "warn", NODE_ENV: "production" };
    // The app's own defaults (SESSION_RATE_LIMIT_PER_MINUTE 2400/min per user: one agent polls 20/min).
    for (const key of ["DATABASE_URL", "EMBEDDED_DB_DIR", "EMBEDDED_DB_PORT", "PORT", "RUN_WORKERS", "NEXT_DIST_DIR", "NEXTAUTH_URL", "SESSION_RATE_LIMIT_PER_MINUTE", "API_RATE_LIMIT_PER_MINUTE"]) delete env[key];
    const appPid = () => app?.process.child.pid ?? 0;
    let dbProbe: CpuProbe;
    let appProbe: CpuProbe;
    if (target === "postgres") {
      const bin = findPostgresBin();
      if (!bin) {
        result.skipped = "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (`apt-get install -y postgresql`; only the binaries are used, the run makes its own throwaway cluster).";
        result.database = "PostgreSQL (not installed)";
        log(`PostgreSQL skipped: ${result.skipped}`);
        return result;
      }
      log(cfg.pgDir ? `starting the PostgreSQL cluster kept in ${cfg.pgDir} (${kept ? "seeded by an earlier run: reused" : "initdb, default settings"})` : "starting a throwaway PostgreSQL cluster (initdb, default settings)");
      postgres = startPostgres({ bin, port: await freePort(), keepIn: cfg.pgDir ?? undefined });
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
      result.database = `PGlite ${describeMachine(root).pglite} embedded by \`npm start\` (WASM, one backend, in the start.ts process)`;
      // PGlite runs inside the start.ts process itself; next start is its child.
      dbProbe = { label: "db", read: () => cpuSecondsOf(appPid(), { withDescendants: false }) };
      appProbe = { label: "app", read: () => cpuSecondsOf(appPid()) - cpuSecondsOf(appPid(), { withDescendants: false }) };
    }
    const probes: CpuProbe[] = [appProbe, dbProbe, { label: "gen", read: selfCpuSeconds }, { label: "machine", read: machineCpuSeconds }];

    const appPort = await freePort();
    log(`starting the app (npm start on ${INBOX_DIST_DIR}, workers inside) on port ${appPort}`);
    app = await startApp({ root, name: "app", port: appPort, env: { ...env, RUN_WORKERS: "true" }, logFile: path.join(logDir, "app.log"), distDir: INBOX_DIST_DIR });
    const baseUrl = app.baseUrl;
    pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    pool.on("error", () => undefined);

    let seed: InboxSeed;
    if (kept) {
      seed = kept.seed;
      log(`reusing the seed of ${kept.seededAt} in ${cfg.pgDir} (${size.messages.toLocaleString("en")} messages in ${size.conversations.toLocaleString("en")} conversations, plus what earlier runs' webhooks added)`);
    } else {
      log(`seeding ${size.messages.toLocaleString("en")} messages in ${size.conversations.toLocaleString("en")} conversations for ${cfg.agents} agents`);
      seed = await seedInbox({ pool, agents: cfg.agents, conversations: size.conversations, messages: size.messages, log });
      log(`seeded in ${seed.seconds.toFixed(1)} s (Message table ${seed.check.messageTableMB} MB, database ${seed.check.databaseMB} MB)`);
      if (target === "postgres" && cfg.pgDir) writeKeptSeed(cfg.pgDir, { agents: cfg.agents, ...size, secrets, seed, seededAt: new Date().toISOString() });
    }
    const { channel, ...seedReport } = seed;
    result.seed = kept ? { ...seedReport, reusedFrom: kept.seededAt } : seedReport;

    // Agents: each its own session, one of its open conversations as the open thread.
    const byAgent = openConversationsByAgent(cfg.agents, size.conversations);
    const clients: PollClient[] = [];
    for (let i = 0; i < cfg.agents; i++) {
      const mine = byAgent[i];
      const g = mine.length ? mine[i % mine.length] : i % size.conversations;
      clients.push({ index: i, headers: await sessionHeaders(i, seed.slug, secrets.NEXTAUTH_SECRET), conversationId: conversationId(g), cursor: null });
    }
    const healthClients: PollClient[] = clients.map((client) => ({ ...client, cursor: null }));
    const timeoutMs = cfg.requestTimeoutSeconds * 1000;

    if (endpointInBuild) {
      log(`starting cursors: a first delta call without since for each of the ${cfg.agents} agents`);
      result.cursors = await setupCursors(baseUrl, clients, pool, timeoutMs);
      const c = result.cursors;
      log(`  cursors: ${c.viaEndpoint} from the endpoint, ${c.viaDatabase} from the database (${Object.entries(c.statuses).map(([s, n]) => `${n}×${s}`).join(" ")}) in ${c.seconds.toFixed(1)} s${c.sample ? `; first failure: ${c.sample}` : ""}`);
    } else {
      log(`the build has no ${CHANGES_ROUTE} route: the delta-poll phases are skipped (health and webhook phases still run)`);
    }

    const acknowledged: string[] = [];
    const visibility = new VisibilityTracker();
    // Visibility is tracked for conversations of the agents polling in the current phase.
    let pollingAgents = cfg.agents;
    const trackAck = (g: number, at: number) => {
      const layout = conversationLayout(g, cfg.agents);
      if (layout.assignee !== null && layout.assignee < pollingAgents && layout.status !== "blocked") visibility.acked(conversationId(g), at);
    };
    const onChanges = (_client: PollClient, body: ChangesBody, at: number) => {
      for (const conversation of body.conversations ?? []) visibility.seen(conversation.id, at);
    };
    const webhooks = (seconds: number, withAcks: boolean) =>
      cfg.webhookRate > 0
        ? runWebhooks({ baseUrl, channel, conversations: size.conversations, rate: cfg.webhookRate, seconds, agent: webhookAgent, timeoutMs, onAck: withAcks ? trackAck : undefined })
        : Promise.resolve(null);
    const pollers = (name: string, kind: PollKind, seconds: number, count = cfg.agents) =>
      runPollers({
        name,
        kind,
        baseUrl,
        clients: (kind === "health" ? healthClients : clients).slice(0, count),
        seconds,
        intervalMs: cfg.intervalMs,
        agent: kind === "health" ? healthAgent : pollAgent,
        timeoutMs,
        log,
        progressSeconds: cfg.progressSeconds,
        onChanges: kind === "changes" ? onChanges : undefined,
      });
    const keep = (w: WebhookPhaseResult | null) => {
      if (!w) return undefined;
      const { acceptedWamids, ...rest } = w;
      acknowledged.push(...acceptedWamids);
      return rest;
    };
    const settle = (label: string) =>
      waitForBacklog({ pool: pool!, channelId: channel.channelId, timeoutSeconds: cfg.settleMaxSeconds, progressSeconds: cfg.progressSeconds, log, label: `workers catching up after ${label}` });
    // After an overloaded phase the server may still be working through requests the clients
    // gave up on: wait (bounded) until a health check is answered quickly before going on.
    const recover = async (after: string) => {
      const started = performance.now();
      let quick = 0;
      let last = NaN;
      while (quick < 3 && performance.now() - started < cfg.settleMaxSeconds * 1000) {
        const t0 = performance.now();
        try {
          await request({ agent: healthAgent, baseUrl, path: "/api/health", headers: {}, timeoutMs: 5000 });
          last = performance.now() - t0;
        } catch {
          last = Infinity;
        }
        quick = last < 250 ? quick + 1 : 0;
        if (quick < 3) await sleep(500);
      }
      const waited = (performance.now() - started) / 1000;
      if (waited > 3) log(`  server ${quick >= 3 ? "responsive again" : "STILL SLOW"} ${waited.toFixed(1)} s after ${after} (last health check ${last.toFixed(0)} ms)`);
    };

    if (cfg.warmupSeconds > 0) {
      log(`warm-up: the spec's load (delta polls + webhooks) for ${cfg.warmupSeconds} s, then one round of health checks`);
      const [, w] = await Promise.all([endpointInBuild ? pollers("warm-up polls", "changes", cfg.warmupSeconds) : Promise.resolve(null), webhooks(cfg.warmupSeconds, false)]);
      keep(w);
      await settle("the warm-up");
      await recover("the warm-up");
      await pollers("warm-up health", "health", cfg.intervalMs / 1000);
      await recover("the health warm-up");
    }
    visibility.take(performance.now());

    if (cfg.idleSeconds > 0) {
      log(`idle: nothing sent for ${cfg.idleSeconds} s (the server's background CPU)`);
      const meter = startCpuMeter(probes);
      const t0 = performance.now();
      await sleep(cfg.idleSeconds * 1000);
      result.idle = { seconds: (performance.now() - t0) / 1000, cpu: meter() };
    }

    const measure = async (label: string, kind: PollKind, seconds: number, withWebhooks: boolean, count = cfg.agents) => {
      pollingAgents = count;
      if (kind === "changes") {
        // The agents did not poll during the previous phase: one unmeasured round brings their
        // cursors up to date, so the phase measures the steady 3-second poll, not a catch-up.
        const catchUp = await pollers(`catch-up before "${label}"`, "changes", cfg.intervalMs / 1000, count);
        log(`  catch-up round: ${JSON.stringify(catchUp.statuses)}${catchUp.resyncs ? `, ${catchUp.resyncs} resyncs after 409` : ""}`);
        await recover("the catch-up round");
      }
      visibility.take(performance.now());
      log(`phase "${label}": ${count} clients every ${cfg.intervalMs / 1000} s for ${seconds} s${withWebhooks ? ` + webhooks ${cfg.webhookRate}/s` : ""}`);
      const meter = startCpuMeter(probes);
      const [poll, w] = await Promise.all([pollers(label, kind, seconds, count), withWebhooks ? webhooks(seconds, kind === "changes") : Promise.resolve(null)]);
      poll.cpu = meter();
      const phase: InboxPhase = { label, poll, webhooks: keep(w), loadAverage: load1() };
      if (kind === "changes" && withWebhooks) phase.visibility = visibility.take(performance.now());
      result.phases.push(phase);
      const l = poll.latencyMs;
      log(`  ${label}: ${poll.answered} answered, 304 ${(poll.notModifiedShare * 100).toFixed(1)}%, p50 ${l.p50.toFixed(1)} / p95 ${l.p95.toFixed(1)} / p99 ${l.p99.toFixed(1)} ms, statuses ${JSON.stringify(poll.statuses)}${Object.keys(poll.errors).length ? `, errors ${JSON.stringify(poll.errors)}` : ""}, load ${phase.loadAverage}`);
      if (withWebhooks) phase.settle = await settle(`"${label}"`);
      await recover(`"${label}"`);
      return phase;
    };

    if (cfg.quietSeconds > 0) {
      const quiet = Math.min(cfg.quietAgents, cfg.agents);
      await measure(PHASES.healthQuiet, "health", cfg.quietSeconds, false, quiet);
      if (endpointInBuild) await measure(PHASES.pollsQuiet, "changes", cfg.quietSeconds, false, quiet);
      if (endpointInBuild && cfg.breakdown) await measure(PHASES.cursorQuiet, "cursor", cfg.quietSeconds, false, quiet);
    }
    if (endpointInBuild) {
      for (const count of cfg.sweep.filter((n) => n < cfg.agents)) await measure(sweepLabel(count), "changes", cfg.sweepSeconds, true, count);
    }
    await measure(PHASES.healthLoaded, "health", cfg.seconds, true);
    if (endpointInBuild) await measure(PHASES.pollsLoaded, "changes", cfg.seconds, true);

    if (acknowledged.length) {
      const events = await pool.query<{ status: string; count: string }>(`SELECT status::text, count(*)::text AS count FROM "WebhookEvent" WHERE "channelId" = $1 GROUP BY status`, [channel.channelId]);
      const by = Object.fromEntries(events.rows.map((row) => [row.status, Number(row.count)]));
      const messages = await pool.query<{ count: string }>(`SELECT count(DISTINCT "externalId")::text AS count FROM "Message" WHERE "channelId" = $1 AND "externalId" = ANY($2::text[])`, [channel.channelId, acknowledged]);
      result.webhooksProcessed = {
        acknowledged: acknowledged.length,
        stored: Object.values(by).reduce((a, b) => a + b, 0),
        messages: Number(messages.rows[0].count),
        pending: by.pending ?? 0,
        failed: by.failed ?? 0,
      };
    }
  } catch (error) {
    result.error = (error as Error).message;
    log(`${target}: FAILED: ${(error as Error).stack ?? result.error}`);
  } finally {
    for (const agent of agents) agent.destroy();
    if (pool) await pool.end().catch(() => undefined);
    if (app) await stopProcess(app.process);
    if (postgres) postgres.stop();
  }
  return result;
}

type KeptSeed = { agents: number; conversations: number; messages: number; secrets: { NEXTAUTH_SECRET: string; ENCRYPTION_KEY: string }; seed: InboxSeed; seededAt: string };
const keptSeedFile = (dir: string) => path.join(dir, "bench-inbox-seed.json");

/** The seed an earlier run left in BENCH_INBOX_PG_DIR; null when there is none. Refuses another seed size. */
function readKeptSeed(dir: string, size: { agents: number; conversations: number; messages: number }): KeptSeed | null {
  const file = keptSeedFile(dir);
  if (!existsSync(file)) {
    if (existsSync(path.join(dir, "data"))) throw new Error(`${dir} holds a cluster without a finished seed: delete the folder (or pick another BENCH_INBOX_PG_DIR)`);
    return null;
  }
  const kept = JSON.parse(readFileSync(file, "utf8")) as KeptSeed;
  if (kept.agents !== size.agents || kept.conversations !== size.conversations || kept.messages !== size.messages) {
    throw new Error(`${dir} was seeded for ${kept.agents} agents / ${kept.conversations} conversations / ${kept.messages} messages, not ${size.agents} / ${size.conversations} / ${size.messages}: delete it or pick another BENCH_INBOX_PG_DIR`);
  }
  return kept;
}

function writeKeptSeed(dir: string, kept: KeptSeed) {
  // Local throwaway secrets of a benchmark cluster, readable by this user only.
  writeFileSync(keptSeedFile(dir), JSON.stringify(kept, null, 2), { mode: 0o600 });
}

type SavedRun = { runs: { info: InboxRunInfo; result: InboxTargetResult }[] };

/** `--render bench/.out/inbox-…/results.json`: rewrite RESULTS.md from a saved run (after a report change). */
function renderSaved(file: string) {
  const saved = JSON.parse(readFileSync(file, "utf8")) as SavedRun;
  for (const { info, result } of saved.runs) {
    const markdown = renderInboxTarget(result, { ...info, startedAt: new Date(info.startedAt), finishedAt: new Date(info.finishedAt) });
    console.log(`\n${markdown}\n`);
    writeInboxResults(path.join(root, "bench", "RESULTS.md"), result.target, markdown);
  }
}

async function main() {
  const renderArg = process.argv.indexOf("--render");
  if (renderArg > 0) return renderSaved(process.argv[renderArg + 1]);
  mkdirSync(outDir, { recursive: true });
  const startedAt = new Date();
  const machine = describeMachine(root);
  const command = `${inboxEnvLine()} npm run bench:inbox`.trim();
  log(`command: ${command}`);
  log(`settings: ${JSON.stringify(config)}`);
  log(`machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}, load ${machine.loadAverageAtStart.join(" / ")}`);
  log(`targets: ${config.targets.join(", ")}; logs and raw results in ${path.relative(root, outDir)}`);
  if (!existsSync(path.join(root, "app", CHANGES_ROUTE, "route.ts"))) log(`NOTE: app/${CHANGES_ROUTE}/route.ts does not exist (yet): only the health and webhook phases can run`);
  if (!config.keepBuild) onCleanup(() => removeBuild({ root, distDir: INBOX_DIST_DIR }));
  const build = ensureBuild({ root, mode: config.build, log, distDir: INBOX_DIST_DIR });
  const endpointInBuild = buildHasRoute({ root, distDir: INBOX_DIST_DIR, route: CHANGES_ROUTE });
  const runs: { info: InboxRunInfo; result: InboxTargetResult }[] = [];
  for (const target of config.targets) {
    log(`=== target: ${target}`);
    const result = await runTarget(target, config, endpointInBuild);
    const info: InboxRunInfo = { startedAt, finishedAt: new Date(), command, machine, build, config, loadAverageAtEnd: os.loadavg().map((v) => Math.round(v * 100) / 100) };
    runs.push({ info, result });
    const markdown = renderInboxTarget(result, info);
    console.log(`\n${markdown}\n`);
    if (config.writeResults) writeInboxResults(path.join(root, "bench", "RESULTS.md"), target, markdown);
    writeFileSync(path.join(outDir, "results.json"), JSON.stringify({ runs, checks: runs.map((run) => evaluateInbox(run.result, config)) }, null, 2));
  }
  if (config.writeResults) log("bench/RESULTS.md updated (bench:inbox section)");
  await cleanupAll();
  process.exit(runs.some((run) => run.result.error) ? 1 : 0);
}

main().catch(async (error: Error) => {
  console.error(`[bench:inbox] ${error.stack ?? error.message}`);
  await cleanupAll();
  process.exit(1);
});
