// `npm run bench:flows`: inbound message → first flow reply handed to the channel adapter, under
// a steady 100 messages/s, against the ingestion path alone measured in the same run (issue 6).
//
//  1. build the app into .next-bench-flows (when stale) and start it as deployed (`npm start`,
//     job workers inside the server by default) on a throwaway PostgreSQL cluster (or the embedded
//     database), with GRAPH_API_URL pointing at the fake Graph API (tests/fakes/fake-providers.ts,
//     which answers POST /{phone-number-id}/messages exactly like the Cloud API) in this process;
//  2. seed a WhatsApp Cloud channel (bench/lib/seed.ts) and publish a keyword flow "benchmark" →
//     one text message (bench/lib/flows-seed.ts);
//  3. warm-up (unreported), then the measured phase: BENCH_FLOWS_RATE msg/s for BENCH_FLOWS_SECONDS,
//     every message from a NEW contact, so WhatsApp's pair pacing (1 message / 6 s per contact after
//     a burst, plus the 1 s gap between one conversation's bot messages) never delays a reply and
//     what is measured is the pipeline; per message: t0 (POST leaves), t_ingest (inbound Message row
//     committed: the ingestion path alone), t_reply (the fake receives the flow's message);
//  4. a small pacing run: one contact sends BENCH_FLOWS_PACING_MESSAGES messages at 2/s, to show
//     the pacing (each reply goes out at least 1 s after the previous one, WhatsApp's burst of 10
//     then 1 per 6 s);
//  5. lost = accepted messages without a reply, duplicates = replies beyond one per message.
// Figures are printed and written to bench/.out/flows-*/results.json and the bench:flows section of
// bench/RESULTS.md (BENCH_FLOWS_WRITE_RESULTS=0 to skip). Only 127.0.0.1 is contacted; every process
// the run started is stopped at the end, on failure and on Ctrl-C.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os, { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { startFakeProviders } from "../tests/fakes/fake-providers";
import { ensureBuild, startApp, type AppServer } from "./lib/app-server";
import { startBenchDatabase } from "./lib/bench-database";
import { engineStages, queueTimings, runFlowPhase, waitForIdle, type FlowPhaseResult } from "./lib/flows-load";
import { figuresOf, percentiles, renderFlows, verdict, writeFlowsSection, type FlowsRunInfo, type PhaseFigures } from "./lib/flows-report";
import { seedKeywordFlow } from "./lib/flows-seed";
import { describeMachine } from "./lib/machine";
import { isProfiling, postgresProfileOptions, startPgProfile } from "./lib/pg-profile";
import { findPostgresBin } from "./lib/postgres-server";
import { cleanupAll, cpuSecondsOf, freePort, onCleanup, selfCpuSeconds, startCpuMeter, startProcess, stopProcess, type CpuProbe, type Tracked } from "./lib/processes";
import { seedChannel } from "./lib/seed";

const root = path.resolve(import.meta.dirname, "..");
const log = (message: string) => console.log(`[bench:flows] ${message}`);
const DIST_DIR = ".next-bench-flows";
const HEADER = `## Flow engine latency — \`npm run bench:flows\`

Inbound WhatsApp message (signed webhook, unique wamid, keyword flow "benchmark" → one text) → the
flow's reply at the fake Graph API, against the ingestion path alone (POST → inbound Message
committed) in the same run. Every message of the steady phase comes from a NEW contact, so
WhatsApp pair pacing (1 s between one conversation's bot messages, then 1 per 6 s after a burst
of 10) never delays a reply; the pacing run shows it. Knobs: BENCH_FLOWS_* (top of bench/flows.ts).`;

function num(name: string, fallback: number, min = 0): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new Error(`${name} must be a number ≥ ${min} (got "${raw}")`);
  return value;
}

const config = {
  target: process.env.BENCH_FLOWS_TARGET ?? (findPostgresBin() ? "postgres" : "embedded"),
  rate: num("BENCH_FLOWS_RATE", 100, 1),
  seconds: num("BENCH_FLOWS_SECONDS", 60, 1),
  warmupSeconds: num("BENCH_FLOWS_WARMUP_SECONDS", 10),
  pacingMessages: num("BENCH_FLOWS_PACING_MESSAGES", 12),
  pollMs: num("BENCH_FLOWS_POLL_MS", 10, 1),
  settleSeconds: num("BENCH_FLOWS_SETTLE_SECONDS", 60),
  workers: process.env.BENCH_FLOWS_WORKERS ?? "in-server",
  build: process.env.BENCH_FLOWS_BUILD ?? "auto",
  targetP95Ms: num("BENCH_FLOWS_TARGET_P95_MS", 150, 1),
  writeResults: process.env.BENCH_FLOWS_WRITE_RESULTS !== "0",
};
if (config.target !== "postgres" && config.target !== "embedded") throw new Error("BENCH_FLOWS_TARGET must be postgres or embedded");
if (config.workers !== "in-server" && config.workers !== "separate") throw new Error("BENCH_FLOWS_WORKERS must be in-server or separate");
if (config.build !== "auto" && config.build !== "always" && config.build !== "never") throw new Error("BENCH_FLOWS_BUILD must be auto, always or never");

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    log(`${signal}: stopping every process this run started`);
    void cleanupAll().finally(() => process.exit(130));
  });
}

async function main() {
  const machine = describeMachine(root);
  log(`load average at start: ${machine.loadAverageAtStart.join(" / ")} on ${machine.cpus} CPU`);
  const build = ensureBuild({ root, mode: config.build as "auto", log, distDir: DIST_DIR });
  const runId = new Date().toISOString().replace(/[:.]/g, "-");
  const outDir = path.join(root, "bench", ".out", `flows-${runId}`);
  mkdirSync(outDir, { recursive: true });
  const workDir = mkdtempSync(path.join(tmpdir(), "switchboard-bench-flows-"));
  onCleanup(() => rmSync(workDir, { recursive: true, force: true }));

  const fake = await startFakeProviders();
  onCleanup(() => fake.close());
  let app: AppServer | null = null;
  const appPid = () => app?.process.child.pid ?? 0;
  const { env, databaseUrl, description: database, dbProbe, appProbe } = await startBenchDatabase({
    target: config.target as "postgres" | "embedded",
    targetKnob: "BENCH_FLOWS_TARGET",
    graphUrl: fake.graphUrl,
    workDir,
    machine,
    appPid,
    // Commit timestamps give t_ingest without polling the database during the run (flows-load.ts).
    postgresOptions: {
      flags: ["-c track_commit_timestamp=on", isProfiling() ? postgresProfileOptions() : ""].join(" ").trim(),
      description: `track_commit_timestamp on${isProfiling() ? ", pg_stat_statements (BENCH_PG_PROFILE=1)" : ""}`,
    },
  });
  const inServer = config.workers === "in-server";
  const port = await freePort();
  log(`starting the app on port ${port} (${config.target}, workers ${inServer ? "inside the server" : "in one `npm run worker` process"})`);
  app = await startApp({ root, name: "app", port, env: { ...env, RUN_WORKERS: inServer ? "true" : "false" }, logFile: path.join(outDir, "app.log"), distDir: DIST_DIR });
  const started = app;
  onCleanup(() => stopProcess(started.process));
  const workers: Tracked[] = [];
  if (!inServer) {
    workers.push(startProcess({ name: "worker", command: "npm", args: ["run", "worker"], env: { ...env, DATABASE_URL: databaseUrl }, cwd: root, logFile: path.join(outDir, "worker.log") }));
    for (const worker of workers) onCleanup(() => stopProcess(worker));
  }
  const probes: CpuProbe[] = [appProbe, dbProbe, { label: "workers", read: () => workers.reduce((sum, w) => sum + cpuSecondsOf(w.child.pid ?? 0), 0) }, { label: "bench+fake", read: selfCpuSeconds }];

  const pool = new pg.Pool({ connectionString: databaseUrl, max: 3 });
  pool.on("error", () => undefined);
  onCleanup(() => pool.end().catch(() => undefined));
  const channel = await seedChannel(pool);
  fake.registerToken(channel.accessToken);
  fake.registerPhoneNumber({ id: channel.phoneNumberId });
  await seedKeywordFlow(pool, channel);

  let contact = 15_550_000_000 + Math.floor(Math.random() * 1e6) * 1000;
  const distinct = () => String(contact++);
  const ingestClock = config.target === "postgres" ? ("commit-timestamp" as const) : ("poll" as const);
  const common = { baseUrl: app.baseUrl, channel, pool, fake, pollMs: config.pollMs, ingestClock, settleSeconds: config.settleSeconds, log };
  const measured = async (run: () => Promise<FlowPhaseResult>, profileName?: string) => {
    const profiler = profileName && isProfiling() && config.target === "postgres" ? await startPgProfile(pool) : null;
    const meter = startCpuMeter(probes);
    const startedAt = Date.now();
    const phase = await run();
    if (profiler && profileName) {
      await profiler.stop(path.join(outDir, `${profileName}-pg-profile.txt`), { label: "message", count: phase.accepted });
      log(`database profile: ${path.relative(root, outDir)}/${profileName}-pg-profile.txt`);
    }
    const figures = figuresOf(phase, meter(), (Date.now() - startedAt) / 1000);
    figures.queues = await queueTimings(pool, new Date(startedAt), new Date());
    if (ingestClock === "commit-timestamp") {
      const stages = await engineStages(pool, { channelId: channel.channelId, inbound: phase.inbound });
      figures.stages = {
        "ingestion committed → automation job fetched": percentiles(stages.automationWait),
        "→ automation run committed": percentiles(stages.automationRun),
        "→ send job fetched": percentiles(stages.sendWait),
        "→ reply at the provider": percentiles(stages.sendToProvider),
      };
    }
    log(
      `${figures.name}: ingestion p50/p95 ${Math.round(figures.ingestion.p50)}/${Math.round(figures.ingestion.p95)} ms, end to end ${Math.round(figures.endToEnd.p50)}/${Math.round(figures.endToEnd.p95)} ms, ` +
        `engine ${Math.round(figures.engine.p50)}/${Math.round(figures.engine.p95)}/${Math.round(figures.engine.p99)} ms (p50/p95/p99); lost ${figures.lost}, duplicates ${figures.duplicates}, not accepted ${figures.notAccepted}`,
    );
    return figures;
  };

  if (config.warmupSeconds > 0) {
    log(`warm-up: ${Math.min(config.rate, 20)} msg/s for ${config.warmupSeconds} s`);
    await runFlowPhase({ ...common, name: "warm-up", rate: Math.min(config.rate, 20), seconds: config.warmupSeconds, fromOf: distinct });
  }
  await waitForIdle({ pool, timeoutSeconds: 120, log });
  const phases: PhaseFigures[] = [];
  log(`measured: ${config.rate} msg/s for ${config.seconds} s, distinct contacts`);
  phases.push(await measured(() => runFlowPhase({ ...common, name: "Steady load, distinct contacts", rate: config.rate, seconds: config.seconds, fromOf: distinct }), "steady"));
  if (config.pacingMessages > 0) {
    await waitForIdle({ pool, timeoutSeconds: 180, log });
    const one = distinct();
    log(`pacing run: one contact sends ${config.pacingMessages} messages at 2/s`);
    phases.push(await measured(() => runFlowPhase({ ...common, name: "Pacing: one contact", rate: 2, seconds: config.pacingMessages / 2, fromOf: () => one, settleSeconds: Math.max(config.settleSeconds, config.pacingMessages * 7) })));
  }

  const command = `${Object.entries(process.env).filter(([key]) => key.startsWith("BENCH_FLOWS_")).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v} `).join("")}npm run bench:flows`;
  const info: FlowsRunInfo = {
    date: new Date().toISOString(),
    command,
    machine,
    loadAverageAtEnd: os.loadavg().map((value) => Math.round(value * 100) / 100),
    database,
    build,
    workers: inServer ? "inside the web server (the default deployment)" : "one `npm run worker` process next to a web server with RUN_WORKERS=false",
    pollMs: config.pollMs,
    ingestClock,
    targetP95Ms: config.targetP95Ms,
  };
  const result = verdict(info, phases[0]);
  const markdown = `${HEADER}\n${renderFlows(info, phases)}\n\nTarget (p95 of the engine's added part < ${config.targetP95Ms} ms on 2 cores, nothing lost or doubled): **${result}**.`;
  writeFileSync(path.join(outDir, "results.json"), JSON.stringify({ info, phases }, null, 2));
  console.log(`\n${markdown}\n`);
  log(`load average at end: ${info.loadAverageAtEnd.join(" / ")}`);
  if (config.writeResults) {
    writeFlowsSection(path.join(root, "bench", "RESULTS.md"), markdown);
    log("bench/RESULTS.md updated (bench:flows section)");
  }
  log(`results: ${path.relative(root, outDir)}/results.json`);
}

try {
  await main();
} finally {
  await cleanupAll();
}
