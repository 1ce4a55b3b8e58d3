import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { SPEC, type BenchConfig, type Target } from "./config";
import type { DrainResult, WaitResult } from "./drain";
import { fmt, type PhaseResult } from "./load";
import type { MachineInfo } from "./machine";
import type { ProcessedCheck, StoredCheck } from "./verify";

export type SystemRun = { phases: PhaseResult[]; stored: StoredCheck | null };

export type TargetResult = {
  target: Target;
  database: string;
  skipped?: string;
  error?: string;
  baseline?: SystemRun;
  app?: SystemRun & { settles: { after: string; result: WaitResult }[]; processedAfterLoad: ProcessedCheck | null };
  signatureChecks: string[];
  drain?: DrainResult;
  processed?: ProcessedCheck;
  /** webhook-process jobs left 'active' when the app and its workers were stopped (SIGTERM) after the load phases. */
  orphanedJobs?: number;
  /** The first channel's events still pending at that moment (the workers were busy). */
  pendingAtStop?: number;
};

export type RunInfo = { startedAt: Date; finishedAt: Date; command: string; machine: MachineInfo; build: string; config: BenchConfig };

export type Check = { goal: string; measured: string; pass: boolean | null };

const PHASE = {
  warmup: "warm-up",
  sustained: "sustained",
  burst: "burst",
  peak: "peak",
  sustainedNoWorkers: "sustained, no workers",
  peakNoWorkers: "peak, no workers",
  backlog: "backlog post",
} as const;
export { PHASE };

function find(run: SystemRun | undefined, name: string) {
  return run?.phases.find((phase) => phase.name === name);
}

function pct(value: number) {
  return `${(value * 100).toFixed(value > 0 && value < 0.001 ? 3 : 2)}%`;
}

/** The issue's targets, judged on what this run measured. */
export function evaluate(result: TargetResult, config: BenchConfig): Check[] {
  const checks: Check[] = [];
  const app = result.app;
  const sustained = find(app, PHASE.sustained);
  const burst = find(app, PHASE.burst);
  const stored = app?.stored;
  const shortened = (planned: number, spec: number) => (planned < spec ? ` (run ${planned} s of the spec's ${spec} s)` : "");
  if (sustained) {
    const allAccepted = sustained.ok === sustained.sent;
    checks.push({
      goal: `p99 ack < 50 ms sustained at ${config.sustainedRate} req/s`,
      measured: `p99 ${fmt(sustained.latencyMs.p99)} ms, ${fmt(sustained.acceptedPerSecond)} req/s accepted, ${sustained.sent - sustained.ok} not accepted${shortened(config.sustainedSeconds, SPEC.sustainedSeconds)}`,
      pass: sustained.latencyMs.p99 < 50 && allAccepted,
    });
  }
  if (burst) {
    const errors = burst.sent - burst.ok;
    checks.push({
      goal: `${config.burstRate} req/s burst: no error, nothing lost`,
      measured: `${fmt(burst.acceptedPerSecond)} req/s accepted, ${errors} errors/non-2xx, p99 ${fmt(burst.latencyMs.p99)} ms, lost ${stored ? stored.lost : "?"}${shortened(config.burstSeconds, SPEC.burstSeconds)}`,
      pass: errors === 0 && stored !== null && stored !== undefined && stored.lost === 0 && burst.acceptedPerSecond >= burst.targetRate! * 0.98,
    });
  }
  const sustainedNoWorkers = find(app, PHASE.sustainedNoWorkers);
  if (sustainedNoWorkers) {
    checks.push({
      goal: `(not in the spec) the same p99 < 50 ms at ${config.sustainedRate} req/s with RUN_WORKERS=false`,
      measured: `p99 ${fmt(sustainedNoWorkers.latencyMs.p99)} ms, ${fmt(sustainedNoWorkers.acceptedPerSecond)} req/s accepted, ${sustainedNoWorkers.sent - sustainedNoWorkers.ok} not accepted over ${sustainedNoWorkers.plannedSeconds} s`,
      pass: sustainedNoWorkers.latencyMs.p99 < 50 && sustainedNoWorkers.ok === sustainedNoWorkers.sent,
    });
  }
  for (const phase of [sustained, burst].filter((p): p is PhaseResult => Boolean(p))) {
    checks.push({
      goal: `Meta: median ≤ 250 ms, < 1% over 1 s (${phase.name})`,
      measured: `median ${fmt(phase.latencyMs.p50)} ms, ${pct(phase.over1s)} over 1 s`,
      pass: phase.latencyMs.p50 <= 250 && phase.over1s < 0.01,
    });
  }
  const basePeak = find(result.baseline, PHASE.peak);
  for (const name of [PHASE.peak, PHASE.peakNoWorkers]) {
    const peak = find(app, name);
    if (!peak || !basePeak) continue;
    const ratio = peak.acceptedPerSecond / basePeak.acceptedPerSecond;
    checks.push({
      goal: `peak ≥ 60% of the baseline's (${name === PHASE.peak ? describeWorkers(config) : "no workers running"})`,
      measured: `${fmt(peak.acceptedPerSecond)} / ${fmt(basePeak.acceptedPerSecond)} req/s = ${Math.round(ratio * 100)}%`,
      pass: ratio >= 0.6,
    });
  }
  if (result.drain) {
    const d = result.drain;
    checks.push({
      goal: `workers drain a ${SPEC.backlog.toLocaleString("en")}-event backlog at ≥ 1,500 events/s`,
      measured: `${fmt(d.eventsPerSecond)} events/s (${d.processed} events${d.backlog < SPEC.backlog ? `, backlog ${d.backlog} of the spec's ${SPEC.backlog}` : ""}; ${fmt(d.wallEventsPerSecond)}/s including worker start-up${d.drained ? "" : `; NOT drained, ${d.remaining} left`})`,
      pass: d.drained && d.eventsPerSecond >= 1500,
    });
  }
  for (const [label, run] of [["app", app], ["baseline", result.baseline]] as const) {
    if (!run?.stored) continue;
    checks.push({
      goal: `${label}: events lost = 0, duplicates = 0`,
      measured: `${run.stored.acknowledged} acknowledged, lost ${run.stored.lost}, duplicates ${run.stored.duplicates}`,
      pass: run.stored.lost === 0 && run.stored.duplicates === 0,
    });
  }
  if (result.processed) {
    const p = result.processed;
    checks.push({
      goal: "every acknowledged message processed once (after the drain)",
      measured: `${p.processed} processed, ${p.pending} pending, ${p.failed} failed; ${p.withoutMessage} acknowledged without a Message row, ${p.duplicateMessages} duplicate messages`,
      pass: p.pending === 0 && p.failed === 0 && p.withoutMessage === 0 && p.duplicateMessages === 0,
    });
  }
  return checks;
}

function describeWorkers(config: BenchConfig) {
  return config.workersMode === "in-server" ? "workers inside the server" : `RUN_WORKERS=false + ${config.loadWorkers} \`npm run worker\` process(es) running`;
}

function phaseRows(system: string, run: SystemRun | undefined): string[] {
  if (!run) return [];
  return run.phases
    .filter((phase) => phase.name !== PHASE.warmup)
    .map((phase) => {
      const load = phase.targetRate ? `${phase.targetRate}/s × ${phase.plannedSeconds} s` : `${phase.connections} conns${phase.plannedSeconds ? ` × ${phase.plannedSeconds} s` : ` × ${phase.sent} reqs`}`;
      const non2xx = Object.entries(phase.statuses)
        .filter(([status]) => !status.startsWith("2"))
        .map(([status, count]) => `${count}×${status}`)
        .join(" ");
      const errors = Object.entries(phase.errors).map(([code, count]) => `${count}×${code}`).join(" ");
      const cpu = phase.cpu ? Object.entries(phase.cpu).map(([label, seconds]) => `${label} ${(seconds / phase.seconds).toFixed(2)}`).join(" · ") : "";
      return `| ${system} | ${phase.name} | ${load} | ${fmt(phase.acceptedPerSecond)} | ${fmt(phase.latencyMs.p50)} | ${fmt(phase.latencyMs.p99)} | ${fmt(phase.latencyMs.max)} | ${pct(phase.over1s)} | ${non2xx || 0} | ${errors || 0} | ${cpu} | ${fmt(phase.generatorLagMs)} |`;
    });
}

/** One target's results as markdown (printed to the console and written to RESULTS.md). */
export function renderTarget(result: TargetResult, info: RunInfo): string {
  const lines: string[] = [];
  const { config, machine } = info;
  lines.push(`### ${result.target === "postgres" ? "PostgreSQL server" : "Embedded database (PGlite)"}`);
  lines.push("");
  lines.push(`- Run: ${info.startedAt.toISOString()} → ${info.finishedAt.toISOString()}, commit ${machine.commit}, build ${info.build}`);
  lines.push(`- Command: \`${info.command}\``);
  lines.push(
    `- Durations used: warm-up ${config.warmupSeconds} s (closed loop, 16 connections), sustained ${config.sustainedRate}/s × ${config.sustainedSeconds} s (spec 600 s; without workers ${config.noWorkersSustainedSeconds} s), burst ${config.burstRate}/s × ${config.burstSeconds} s (spec 60 s), peak ${config.peakConnections} connections × ${config.peakSeconds} s, backlog ${config.backlog} (spec 100,000), ${config.drainWorkers} drain worker process(es), ${config.contacts} distinct senders`,
  );
  lines.push(`- Job workers during the load phases: ${describeWorkers(config)}${config.proposedJobIndex ? "; **with the proposed pg-boss fetch index** (not part of the app, see the notes)" : ""}`);
  lines.push(`- Machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}; load average at start ${machine.loadAverageAtStart.join(" / ")} (shared machine: other jobs were running)`);
  lines.push(`- Database: ${result.database}`);
  if (result.skipped) {
    lines.push("", `**Skipped:** ${result.skipped}`);
    return lines.join("\n");
  }
  if (result.error) lines.push("", `**The run failed:** ${result.error}`);
  lines.push("");
  // The generator shares the machine: its worst event-loop stall shows when it, not the server, lagged.
  lines.push("| system | phase | load | accepted req/s | p50 ms | p99 ms | max ms | > 1 s | non-2xx | errors | CPU (cores) | generator stall ms |");
  lines.push("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|");
  lines.push(...phaseRows("baseline", result.baseline), ...phaseRows("app", result.app));
  lines.push("");
  lines.push("| system | acknowledged (2xx) | stored | lost | duplicates | stored but not acknowledged |");
  lines.push("|---|---:|---:|---:|---:|---:|");
  for (const [label, run] of [["baseline", result.baseline], ["app", result.app]] as const) {
    const s = run?.stored;
    if (s) lines.push(`| ${label} | ${s.acknowledged} | ${s.stored} | ${s.lost} | ${s.duplicates} | ${s.storedUnacknowledged} |`);
  }
  if (result.signatureChecks.length) lines.push("", `Signature check: ${result.signatureChecks.join("; ")}.`);
  if (result.app?.settles.length) {
    lines.push("");
    lines.push(
      `Workers (${describeWorkers(config)}) catching up between the load phases: ${result.app.settles
        .map(({ after, result: r }) => `after ${after} ${r.drained ? `caught up in ${fmt(r.seconds)} s` : `${r.remaining} still pending after ${fmt(r.seconds)} s`}`)
        .join("; ")}.`,
    );
  }
  if (result.orphanedJobs !== undefined) {
    lines.push("");
    lines.push(
      `Stopping the app and its workers (SIGTERM) right after the peak${result.pendingAtStop !== undefined ? `, with ${result.pendingAtStop} events still pending` : ""}, left **${result.orphanedJobs}** webhook jobs in state 'active'${result.orphanedJobs > 0 ? ": pg-boss hands them out again only after the queue's expireInSeconds (300 s), so those messages reach the inbox minutes late" : " (jobs in flight finished or were handed back for an immediate retry)"}.`,
    );
  }
  if (result.drain) {
    const d = result.drain;
    const cpu = Object.entries(d.cpu).map(([label, seconds]) => `${label} ${(seconds / d.wallSeconds).toFixed(2)}`).join(" · ");
    lines.push("");
    lines.push(
      `Drain (${d.workers} \`npm run worker\` process(es), web server running with RUN_WORKERS=false): backlog ${d.backlog} events, ${d.processed} processed in ${fmt(d.steadySeconds)} s = **${fmt(d.eventsPerSecond)} events/s** (first to last processedAt); ${fmt(d.wallSeconds)} s = ${fmt(d.wallEventsPerSecond)} events/s from spawning the workers; ${d.failed} failed${d.drained ? "" : `, ${d.remaining} NOT drained (timeout)`}. CPU (cores): ${cpu}. The backlog counts the load phases' leftovers (taken first: they are older)${d.leftover ? `; after the drain channel was empty, the last of them ${d.leftover.remaining === 0 ? `took ${fmt(d.leftover.seconds)} s more` : `were still ${d.leftover.remaining} pending after ${fmt(d.leftover.seconds)} s`}` : ""}.`,
    );
  }
  const checks = evaluate(result, config);
  if (checks.length) {
    lines.push("");
    lines.push("| target | measured | |");
    lines.push("|---|---|---|");
    for (const check of checks) lines.push(`| ${check.goal} | ${check.measured} | ${check.pass === null ? "–" : check.pass ? "PASS" : "**MISS**"} |`);
  }
  return lines.join("\n");
}

const FILE_HEADER = `# Benchmark results

Each benchmark owns one section: the part between its markers is rewritten by its script on every
run (one block per database target, so a run of one target leaves the other's last figures in place);
notes outside the markers are written by hand. Only measured numbers are recorded, with the machine,
the commit and the durations they were measured with.
`;

const SECTION_HEADER = `## Webhook ingestion — \`npm run bench:webhooks\`

Signed WhatsApp Cloud deliveries with unique wamids posted to \`/api/webhooks/whatsapp/[channelId]\` of the
production build (\`npm start\`, job workers as BENCH_WORKERS_MODE says), and the same phases against a bare
\`node:http\` + \`pg\` baseline (HMAC check + one INSERT) on the same database in the same run. See
\`bench/webhooks.ts\` for the method.
`;

/** Rewrites this benchmark's block for one target in RESULTS.md, creating the file/section if needed. */
export function writeResults(file: string, target: Target, markdown: string) {
  const start = `<!-- bench:webhooks:${target}:start -->`;
  const end = `<!-- bench:webhooks:${target}:end -->`;
  let text = existsSync(file) ? readFileSync(file, "utf8") : FILE_HEADER;
  if (!text.includes("<!-- bench:webhooks:")) {
    text = `${text.trimEnd()}\n\n${SECTION_HEADER}\n<!-- bench:webhooks:embedded:start -->\n<!-- bench:webhooks:embedded:end -->\n\n<!-- bench:webhooks:postgres:start -->\n<!-- bench:webhooks:postgres:end -->\n`;
  }
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from >= 0 && to > from) text = text.slice(0, from) + block + text.slice(to + end.length);
  else text = `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, text);
}
