// `npm run bench:campaigns`: a 10,000-recipient WhatsApp template broadcast against the fake
// Cloud API (issue 7): at the default pace of 70/s the run must take within 5 % of the ideal
// 10,000 / 70 = 142.9 s; with the pace raised to 1,000/s, the achieved rate (target ≥ 900/s on 2
// cores) and the database time per send. Duplicates and lost recipients must be 0.
//
//  1. build the app into .next-bench-campaigns (when stale) and start it as deployed (`npm start`,
//     job workers inside the server) on a throwaway PostgreSQL cluster started with
//     pg_stat_statements (or the embedded database), GRAPH_API_URL pointing at the fake Graph API
//     (tests/fakes/fake-providers.ts) in this process;
//  2. seed two tenants (bench/lib/campaigns-seed.ts), one per phase so each has its own channel
//     pace: a WhatsApp Cloud channel with an unlimited messaging limit, an APPROVED template,
//     BENCH_CAMPAIGNS_RECIPIENTS contacts with a conversation each (outside the 24-hour window)
//     and an API key;
//  3. baselines in the same run: the fake Graph API's ceiling (a tight client loop) and pg-boss's
//     empty-job throughput with message-send's worker settings (bench/lib/campaigns-load.ts);
//  4. phase 1: a template campaign at BENCH_CAMPAIGNS_PACE_SLOW (70/s, WhatsApp's default pace),
//     created and launched through the REST API; launch → last send at the fake, against the ideal;
//  5. phase 2: the other tenant's campaign at BENCH_CAMPAIGNS_PACE_FAST (1,000/s, the channel's
//     maximum pace): achieved rate, CPU per send (app, PostgreSQL) and the database time per send
//     from pg_stat_statements (reset at launch), with the costliest statements;
//  6. lost = recipients without a send, duplicates = sends beyond one per recipient: both must be 0.
// Figures are printed and written to bench/.out/campaigns-*/results.json and the bench:campaigns
// section of bench/RESULTS.md (BENCH_CAMPAIGNS_WRITE_RESULTS=0 to skip). Only 127.0.0.1 is
// contacted; every process the run started is stopped at the end, on failure and on Ctrl-C.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os, { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { startFakeProviders } from "../tests/fakes/fake-providers";
import { ensureBuild, startApp, type AppServer } from "./lib/app-server";
import { startBenchDatabase } from "./lib/bench-database";
import { enableStatements, fakeCeiling, queueCeiling, runCampaignPhase, type CeilingResult, type QueueCeilingResult } from "./lib/campaigns-load";
import { figuresOf, paceVerdict, rateVerdict, renderCampaigns, writeCampaignsSection, type CampaignsRunInfo, type PhaseFigures } from "./lib/campaigns-report";
import { summarizeProfiles, writeProfilerPreload } from "./lib/campaigns-profile";
import { seedCampaignTenant } from "./lib/campaigns-seed";
import { describeMachine } from "./lib/machine";
import { findPostgresBin } from "./lib/postgres-server";
import { cleanupAll, freePort, onCleanup, selfCpuSeconds, stopProcess, type CpuProbe } from "./lib/processes";

const root = path.resolve(import.meta.dirname, "..");
const log = (message: string) => console.log(`[bench:campaigns] ${message}`);
const DIST_DIR = ".next-bench-campaigns";
const HEADER = `## Campaign throughput — \`npm run bench:campaigns\`

A WhatsApp template broadcast to every contact of a channel (outside their 24-hour window,
messaging limit unlimited), created and launched through the REST API with an API key, against
the fake Cloud API in the bench process; time runs from the launch POST to the fake receiving
the last recipient's send. Phase 1 at WhatsApp's default pace, phase 2 at the channel's maximum
pace (each on its own channel, so each has its own pace bucket). Database time per send from
pg_stat_statements (reset at launch; COMMIT included) and from PostgreSQL's CPU. Knobs:
BENCH_CAMPAIGNS_* (top of bench/campaigns.ts).`;

function num(name: string, fallback: number, min = 0): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new Error(`${name} must be a number ≥ ${min} (got "${raw}")`);
  return value;
}

const config = {
  target: process.env.BENCH_CAMPAIGNS_TARGET ?? (findPostgresBin() ? "postgres" : "embedded"),
  recipients: Math.round(num("BENCH_CAMPAIGNS_RECIPIENTS", 10_000, 1)),
  paceSlow: Math.round(num("BENCH_CAMPAIGNS_PACE_SLOW", 70, 1)),
  paceFast: Math.round(num("BENCH_CAMPAIGNS_PACE_FAST", 1000, 1)),
  /** Phase 1 passes when launch → last send is within this share of the ideal. */
  tolerance: num("BENCH_CAMPAIGNS_TOLERANCE", 0.05),
  targetRate: num("BENCH_CAMPAIGNS_TARGET_RATE", 900, 1),
  /** A phase stops waiting when no send arrived for this long. */
  stallSeconds: num("BENCH_CAMPAIGNS_STALL_SECONDS", 60, 1),
  /** Requests of the fake Graph API ceiling and jobs of the pg-boss baseline (0 skips them). */
  baselineRequests: Math.round(num("BENCH_CAMPAIGNS_BASELINE_REQUESTS", 5000)),
  build: process.env.BENCH_CAMPAIGNS_BUILD ?? "auto",
  writeResults: process.env.BENCH_CAMPAIGNS_WRITE_RESULTS !== "0",
  /** 1: the app's Node processes sample their CPU (inspector profiler); the busiest profile is summarised at the end (slows the app a little). */
  cpuProfile: process.env.BENCH_CAMPAIGNS_CPU_PROFILE === "1",
};
if (config.target !== "postgres" && config.target !== "embedded") throw new Error("BENCH_CAMPAIGNS_TARGET must be postgres or embedded");
if (config.build !== "auto" && config.build !== "always" && config.build !== "never") throw new Error("BENCH_CAMPAIGNS_BUILD must be auto, always or never");

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
  const outDir = path.join(root, "bench", ".out", `campaigns-${runId}`);
  mkdirSync(outDir, { recursive: true });
  const workDir = mkdtempSync(path.join(tmpdir(), "switchboard-bench-campaigns-"));
  onCleanup(() => rmSync(workDir, { recursive: true, force: true }));

  const fake = await startFakeProviders();
  onCleanup(() => fake.close());
  let app: AppServer | null = null;
  const appPid = () => app?.process.child.pid ?? 0;
  const { env, databaseUrl, description: database, dbProbe, appProbe } = await startBenchDatabase({
    target: config.target as "postgres" | "embedded",
    targetKnob: "BENCH_CAMPAIGNS_TARGET",
    graphUrl: fake.graphUrl,
    workDir,
    machine,
    appPid,
    // pg_stat_statements needs preloading; it only observes (a few % of overhead at most).
    postgresOptions: { flags: "-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all", description: "pg_stat_statements" },
  });
  const profileDir = path.join(outDir, "cpu-profiles");
  if (config.cpuProfile) env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ""} --require ${writeProfilerPreload(outDir, profileDir)}`.trim();
  const port = await freePort();
  log(`starting the app on port ${port} (${config.target}, workers inside the server)`);
  app = await startApp({ root, name: "app", port, env: { ...env, RUN_WORKERS: "true" }, logFile: path.join(outDir, "app.log"), distDir: DIST_DIR });
  const started = app;
  onCleanup(() => stopProcess(started.process));
  const probes: CpuProbe[] = [appProbe, dbProbe, { label: "bench+fake", read: selfCpuSeconds }];

  const pool = new pg.Pool({ connectionString: databaseUrl, max: 3 });
  pool.on("error", () => undefined);
  onCleanup(() => pool.end().catch(() => undefined));
  const statements = config.target === "postgres" && (await enableStatements(pool));
  if (!statements) log("pg_stat_statements is not available: database time per send from CPU only");

  const seedStarted = Date.now();
  const firstPhone = 15_550_000_000 + Math.floor(Math.random() * 1e4) * 100_000;
  const slowTenant = await seedCampaignTenant(pool, fake, { recipients: config.recipients, firstPhone });
  const fastTenant = await seedCampaignTenant(pool, fake, { recipients: config.recipients, firstPhone: firstPhone + 50_000 });
  await pool.query("ANALYZE");
  log(`seeded 2 × ${config.recipients} contacts with conversations in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`);

  let ceiling: CeilingResult | null = null;
  let queue: QueueCeilingResult | null = null;
  if (config.baselineRequests > 0) {
    ceiling = await fakeCeiling({ fake, requests: config.baselineRequests, concurrency: 10 });
    log(`baseline: the fake Graph API takes ${ceiling.perSecond} sends/s from a tight loop (${ceiling.requests} in ${ceiling.seconds} s, ${ceiling.errors} errors)`);
    queue = await queueCeiling({ databaseUrl, jobs: config.baselineRequests, dbProbe });
    log(`baseline: pg-boss runs ${queue.perSecond} empty jobs/s with message-send's worker settings (${queue.jobs} in ${queue.seconds} s)`);
  }

  const phases: PhaseFigures[] = [];
  const common = { baseUrl: app.baseUrl, pool, fake, probes, stallSeconds: config.stallSeconds, statements, log };
  for (const [name, tenant, pace] of [
    [`Phase 1: default pace`, slowTenant, config.paceSlow],
    [`Phase 2: pace raised`, fastTenant, config.paceFast],
  ] as const) {
    const phase = await runCampaignPhase({ ...common, name, tenant, pace });
    writeFileSync(path.join(outDir, `${name.slice(0, 7).replace(" ", "-").toLowerCase()}-offsets.json`), JSON.stringify(phase.sendOffsetsMs));
    const figures = figuresOf(phase);
    phases.push(figures);
    log(
      `${name}: ${figures.wallSeconds} s launch → last send (ideal ${figures.idealSeconds} s, ${(figures.deviation * 100).toFixed(1)} %), ` +
        `overall ${figures.overallRate}/s, steady ${figures.steadyRate}/s; lost ${figures.lost}, duplicates ${figures.duplicates}; ` +
        `CPU ms/send ${Object.entries(figures.cpuPerSendMs).map(([k, v]) => `${k} ${v}`).join(", ")}` +
        `${figures.statements ? `; db ${figures.statements.execMsPerSend} ms and ${figures.statements.callsPerSend} statements per send` : ""}`,
    );
  }

  const command = `${Object.entries(process.env).filter(([key]) => key.startsWith("BENCH_CAMPAIGNS_")).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v} `).join("")}npm run bench:campaigns`;
  const info: CampaignsRunInfo = {
    date: new Date().toISOString(),
    command,
    machine,
    loadAverageAtEnd: os.loadavg().map((value) => Math.round(value * 100) / 100),
    database,
    build,
    tolerance: config.tolerance,
    targetRate: config.targetRate,
    ceiling,
    queueCeiling: queue,
  };
  const pace = paceVerdict(info, phases[0]);
  const rate = rateVerdict(info, phases[1]);
  const markdown =
    `${HEADER}\n\n${renderCampaigns(info, phases)}\n\n` +
    `Target 1 (at ${config.paceSlow}/s, launch → last send within ${Math.round(config.tolerance * 100)} % of the ideal, nothing lost or doubled): **${pace.text}**.\n\n` +
    `Target 2 (at ${config.paceFast}/s, achieved rate ≥ ${config.targetRate}/s on ${machine.cpus} cores, nothing lost or doubled): **${rate.text}**.`;
  writeFileSync(path.join(outDir, "results.json"), JSON.stringify({ info, phases, verdicts: { pace, rate } }, null, 2));
  console.log(`\n${markdown}\n`);
  log(`load average at end: ${info.loadAverageAtEnd.join(" / ")}`);
  if (config.writeResults) {
    writeCampaignsSection(path.join(root, "bench", "RESULTS.md"), markdown);
    log("bench/RESULTS.md updated (bench:campaigns section)");
  }
  log(`results: ${path.relative(root, outDir)}/results.json`);
  if (config.cpuProfile) {
    await stopProcess(started.process);
    const profile = summarizeProfiles(profileDir);
    if (profile) {
      writeFileSync(path.join(outDir, "cpu-profile-summary.json"), JSON.stringify(profile, null, 2));
      log(`app CPU profile (${profile.file}, ${profile.seconds} s busy), self time by area: ${profile.byArea.map((a) => `${a.area} ${a.share} %`).join(", ")}`);
      log(`by function: ${profile.byFunction.map((f) => `${f.fn} ${f.share} %`).join("; ")}`);
    } else log(`no CPU profile in ${path.relative(root, profileDir)}`);
  }
}

try {
  await main();
} finally {
  await cleanupAll();
}
