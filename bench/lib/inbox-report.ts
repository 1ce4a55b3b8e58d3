import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { WaitResult } from "./drain";
import { INBOX_SPEC, type InboxBenchConfig, type InboxTarget } from "./inbox-config";
import type { PollPhaseResult, Summary, VisibilityResult, WebhookPhaseResult } from "./inbox-load";
import type { InboxSeed } from "./inbox-seed";
import { fmt } from "./load";
import type { MachineInfo } from "./machine";

// The results of `npm run bench:inbox`: printed, saved as JSON under bench/.out/, and written to
// this benchmark's own section of bench/RESULTS.md (between its markers, one block per target).

export const PHASES = {
  healthQuiet: "health, no webhooks",
  pollsQuiet: "delta polls, no webhooks",
  cursorQuiet: "delta calls without since, no webhooks",
  healthLoaded: "health + webhooks",
  pollsLoaded: "delta polls + webhooks (spec)",
} as const;

export const sweepLabel = (agents: number) => `delta polls + webhooks, ${agents} agents`;

export type InboxPhase = {
  label: string;
  poll: PollPhaseResult;
  webhooks?: Omit<WebhookPhaseResult, "acceptedWamids">;
  visibility?: VisibilityResult;
  /** Workers catching up on the phase's deliveries afterwards (bounded). */
  settle?: WaitResult;
  /** 1-minute load average when the phase ended. */
  loadAverage: number;
};

export type CursorSetup = {
  /** Agents whose starting cursor came from a first call without `since`. */
  viaEndpoint: number;
  /** Agents whose starting cursor had to be read from the database (the first call failed). */
  viaDatabase: number;
  statuses: Record<string, number>;
  sample: string | null;
  seconds: number;
  /** What the first (full) answers carried, summed over the agents. */
  firstConversations: number;
  firstMessages: number;
  latencyMs: Summary;
};

export type InboxTargetResult = {
  target: InboxTarget;
  database: string;
  skipped?: string;
  error?: string;
  endpoint: { inSources: boolean; inBuild: boolean };
  /** reusedFrom: the seed was made by an earlier run at that time (BENCH_INBOX_PG_DIR). */
  seed?: Omit<InboxSeed, "channel"> & { reusedFrom?: string };
  cursors?: CursorSetup;
  idle?: { seconds: number; cpu: Record<string, number> };
  phases: InboxPhase[];
  webhooksProcessed?: { acknowledged: number; stored: number; messages: number; pending: number; failed: number };
};

export type InboxRunInfo = { startedAt: Date; finishedAt: Date; command: string; machine: MachineInfo; build: string; config: InboxBenchConfig; loadAverageAtEnd: number[] };

const CPU_LABELS = ["app", "db", "gen"] as const;

function pct(value: number) {
  return `${(value * 100).toFixed(1)}%`;
}

function find(result: InboxTargetResult, label: string) {
  return result.phases.find((phase) => phase.label === label);
}

/**
 * CPU ms (app + db) per request SENT (answered or not: the server works on a request whether or
 * not the client waited for the answer), minus the server's idle background over the phase.
 */
export function cpuMsPerRequest(result: InboxTargetResult, phase: InboxPhase | undefined, labels: readonly string[] = ["app", "db"]): number {
  if (!phase?.poll.cpu || phase.poll.sent === 0) return NaN;
  let seconds = 0;
  for (const label of labels) {
    const idleRate = result.idle && result.idle.seconds > 0 ? (result.idle.cpu[label] ?? 0) / result.idle.seconds : 0;
    seconds += (phase.poll.cpu[label] ?? 0) - idleRate * phase.poll.seconds;
  }
  return (seconds / phase.poll.sent) * 1000;
}

function cores(phase: InboxPhase) {
  const cpu = phase.poll.cpu;
  if (!cpu) return "";
  const parts = CPU_LABELS.filter((label) => cpu[label] !== undefined).map((label) => `${label} ${(cpu[label] / phase.poll.seconds).toFixed(2)}`);
  if (cpu.machine !== undefined) {
    const ours = CPU_LABELS.reduce((sum, label) => sum + (cpu[label] ?? 0), 0);
    parts.push(`others ${(Math.max(0, cpu.machine - ours) / phase.poll.seconds).toFixed(2)}`);
  }
  return parts.join(" · ");
}

export type InboxCheck = { goal: string; measured: string; pass: boolean | null };

export function evaluateInbox(result: InboxTargetResult, config: InboxBenchConfig): InboxCheck[] {
  const checks: InboxCheck[] = [];
  const main = find(result, PHASES.pollsLoaded);
  const healthLoaded = find(result, PHASES.healthLoaded);
  const pollsQuiet = find(result, PHASES.pollsQuiet);
  const healthQuiet = find(result, PHASES.healthQuiet);
  const full =
    config.agents === INBOX_SPEC.agents && config.webhookRate === INBOX_SPEC.webhookRate && config.intervalMs === INBOX_SPEC.intervalMs && (result.seed?.messages ?? 0) >= INBOX_SPEC.messages && (result.seed?.conversations ?? 0) >= INBOX_SPEC.conversations;
  if (main) {
    const notOk = main.poll.answered - main.poll.latencyMs.count;
    const errors = Object.values(main.poll.errors).reduce((a, b) => a + b, 0) + (main.poll.skipped ?? 0);
    checks.push({
      goal: `delta poll p95 < ${INBOX_SPEC.p95TargetMs} ms, ${config.agents} agents every ${config.intervalMs / 1000} s + webhooks ${config.webhookRate}/s${result.target === "postgres" ? " (PostgreSQL: the spec's target)" : " (embedded: not the spec's target)"}`,
      measured: `p95 ${fmt(main.poll.latencyMs.p95)} ms (p50 ${fmt(main.poll.latencyMs.p50)}, p99 ${fmt(main.poll.latencyMs.p99)}), ${main.poll.latencyMs.count} answered 200/304, ${notOk} other statuses, ${errors} errors${full ? "" : "; NOT the full spec (see settings)"}`,
      pass: main.poll.latencyMs.count > 0 && notOk === 0 && errors === 0 ? main.poll.latencyMs.p95 < INBOX_SPEC.p95TargetMs : false,
    });
    checks.push({ goal: "share of delta polls answered 304 (unchanged)", measured: `${pct(main.poll.notModifiedShare)} (${main.poll.statuses["304"] ?? 0} of ${main.poll.latencyMs.count})`, pass: null });
  }
  if (pollsQuiet && healthQuiet) {
    const poll = cpuMsPerRequest(result, pollsQuiet);
    const health = cpuMsPerRequest(result, healthQuiet);
    checks.push({
      goal: "cost of one unchanged poll vs one health request (no webhooks; app + db CPU net of idle)",
      measured: `${fmt(poll, 2)} vs ${fmt(health, 2)} CPU ms = ×${fmt(poll / health, 2)}; latency p50 ${fmt(pollsQuiet.poll.latencyMs.p50)} vs ${fmt(healthQuiet.poll.latencyMs.p50)} ms = ×${fmt(pollsQuiet.poll.latencyMs.p50 / healthQuiet.poll.latencyMs.p50, 2)}, p95 ${fmt(pollsQuiet.poll.latencyMs.p95)} vs ${fmt(healthQuiet.poll.latencyMs.p95)} ms = ×${fmt(pollsQuiet.poll.latencyMs.p95 / healthQuiet.poll.latencyMs.p95, 2)}`,
      pass: null,
    });
  }
  const cursorQuiet = find(result, PHASES.cursorQuiet);
  if (pollsQuiet?.poll.cpu && result.idle) {
    const app = cpuMsPerRequest(result, pollsQuiet, ["app"]);
    const db = cpuMsPerRequest(result, pollsQuiet, ["db"]);
    const needed = (config.agents * 1000) / config.intervalMs;
    checks.push({
      goal: "what one app process can serve at that cost (the app's JavaScript runs on one thread)",
      measured: `app ${fmt(app, 2)} + db ${fmt(db, 2)} CPU ms per unchanged poll → at most ≈ ${fmt(1000 / app, 0)} unchanged polls/s per fully busy app core; the spec asks ${fmt(needed, 0)} polls/s (${fmt((needed * app) / 1000, 2)} app cores, ${fmt((needed * db) / 1000, 2)} db cores) on top of the webhooks and their workers`,
      pass: null,
    });
  }
  if (pollsQuiet && healthQuiet && cursorQuiet) {
    const health = cpuMsPerRequest(result, healthQuiet);
    const cursor = cpuMsPerRequest(result, cursorQuiet);
    const poll = cpuMsPerRequest(result, pollsQuiet);
    checks.push({
      goal: "where an unchanged poll's CPU goes (app + db ms per request, no webhooks)",
      measured: `framework + SELECT 1 (health) ${fmt(health, 2)}; + session, membership, rate limit, cursor (call without since) ${fmt(cursor - health, 2)}; + the delta query and 304 ${fmt(poll - cursor, 2)}; total ${fmt(poll, 2)}`,
      pass: null,
    });
  }
  if (main && healthLoaded && main.poll.cpu && healthLoaded.poll.cpu) {
    const extra = ((main.poll.cpu.app + main.poll.cpu.db) / main.poll.sent - (healthLoaded.poll.cpu.app + healthLoaded.poll.cpu.db) / healthLoaded.poll.sent) * 1000;
    checks.push({
      goal: "extra CPU of a delta poll over a health request under the same webhook load (difference of the phases' CPU per request sent)",
      measured: `${fmt(extra, 2)} CPU ms per poll (app + db); latency p95 ${fmt(main.poll.latencyMs.p95)} vs ${fmt(healthLoaded.poll.latencyMs.p95)} ms = ×${fmt(main.poll.latencyMs.p95 / healthLoaded.poll.latencyMs.p95, 2)}`,
      pass: null,
    });
  }
  const sweep = result.phases.filter((phase) => phase.label.startsWith("delta polls + webhooks, ")).concat(main ? [main] : []);
  if (sweep.length > 1) {
    const ok = sweep.filter((phase) => phase.poll.latencyMs.count > 0 && phase.poll.latencyMs.p95 < INBOX_SPEC.p95TargetMs && Object.keys(phase.poll.errors).length === 0 && !phase.poll.skipped);
    checks.push({
      goal: `(not in the spec) agents served with p95 < ${INBOX_SPEC.p95TargetMs} ms, webhooks ${config.webhookRate}/s, on this machine`,
      measured: `${sweep.map((phase) => `${phase.poll.clients} agents p95 ${fmt(phase.poll.latencyMs.p95)} ms`).join(", ")}; largest passing: ${ok.length ? Math.max(...ok.map((phase) => phase.poll.clients)) : "none"}`,
      pass: null,
    });
  }
  if (main?.visibility && main.visibility.tracked > 0) {
    const v = main.visibility;
    checks.push({
      goal: "(not in the spec) a webhook's conversation shows in its agent's next polls (ack → first 200 carrying it)",
      measured: `p50 ${fmt(v.latencyMs.p50)} ms, p95 ${fmt(v.latencyMs.p95)} ms, max ${fmt(v.latencyMs.max)} ms over ${v.seen} conversations; ${v.notSeen} not seen by the end of the phase (${v.notSeenOlderThan10s} acknowledged > 10 s before it)`,
      pass: v.notSeenOlderThan10s === 0,
    });
  }
  if (result.webhooksProcessed) {
    const w = result.webhooksProcessed;
    checks.push({
      goal: "every acknowledged webhook stored and applied by the in-server workers",
      measured: `${w.acknowledged} acknowledged → ${w.messages} of them are Message rows; ${w.stored} deliveries stored in all (${Math.max(0, w.stored - w.acknowledged)} stored but answered after the client's timeout), ${w.pending} still pending, ${w.failed} failed`,
      pass: w.messages === w.acknowledged && w.pending === 0 && w.failed === 0,
    });
  }
  return checks;
}

function phaseRow(result: InboxTargetResult, phase: InboxPhase): string {
  const p = phase.poll;
  const other = Object.entries(p.statuses)
    .filter(([status]) => status !== "200" && status !== "304")
    .map(([status, count]) => `${count}×${status}`)
    .join(" ");
  const errors = [...Object.entries(p.errors).map(([code, count]) => `${count}×${code}`), ...(p.skipped ? [`${p.skipped}×not sent (agent behind)`] : [])].join(" ");
  const share = p.kind === "changes" ? pct(p.notModifiedShare) : "–";
  const cpuMs = cpuMsPerRequest(result, phase);
  return `| ${phase.label} | ${p.clients} × every ${p.intervalMs / 1000} s × ${p.plannedSeconds} s | ${p.sent} | ${p.answered} | ${share} | ${fmt(p.latencyMs.p50)} | ${fmt(p.latencyMs.p95)} | ${fmt(p.latencyMs.p99)} | ${fmt(p.latencyMs.max)} | ${fmt(p.serviceMs.p50)} / ${fmt(p.serviceMs.p95)} | ${other || 0} | ${errors || 0} | ${cores(phase)} | ${fmt(cpuMs, 2)} | ${phase.loadAverage.toFixed(2)} | ${fmt(p.generatorLagMs)} |`;
}

/** One target's results as markdown (printed and written to RESULTS.md). */
export function renderInboxTarget(result: InboxTargetResult, info: InboxRunInfo): string {
  const { config, machine } = info;
  const lines: string[] = [];
  lines.push(`### ${result.target === "postgres" ? "PostgreSQL server" : "Embedded database (PGlite)"}`);
  lines.push("");
  lines.push(`- Run: ${info.startedAt.toISOString()} → ${info.finishedAt.toISOString()}, commit ${machine.commit}, build ${info.build}`);
  lines.push(`- Command: \`${info.command}\``);
  const seed = result.seed;
  lines.push(
    `- Settings: ${config.agents} agents polling every ${config.intervalMs / 1000} s (phases spread evenly), webhooks ${config.webhookRate}/s; measured phases ${config.seconds} s with webhooks, ${config.quietSeconds} s without (${config.quietAgents ?? config.agents} clients)${config.sweep?.length ? `, sweep ${config.sweep.join("/")} agents × ${config.sweepSeconds} s` : ""}, warm-up ${config.warmupSeconds} s, idle ${config.idleSeconds} s; ≤ ${config.maxSockets} keep-alive sockets per load; request timeout ${config.requestTimeoutSeconds} s`,
  );
  if (seed) {
    lines.push(
      `- Seed: ${seed.messages.toLocaleString("en")} messages in ${seed.conversations.toLocaleString("en")} conversations, ${seed.agents} agent users (bulk INSERT … SELECT generate_series, triggers on, then VACUUM ANALYZE) in **${fmt(seed.seconds)} s** (${seed.timings.map((t) => `${t.step} ${fmt(t.seconds)} s`).join("; ")}); read back: ${seed.check.conversations} conversations, ${seed.check.messages} messages, InboxCounter open = ${seed.check.openCounter}; Message table ${seed.check.messageTableMB} MB, database ${seed.check.databaseMB} MB${seed.reusedFrom ? ` — **reused** from the run of ${seed.reusedFrom} (BENCH_INBOX_PG_DIR; earlier runs' webhooks added messages since)` : ""}`,
    );
  }
  lines.push(
    `- Machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}; load average at start ${machine.loadAverageAtStart.join(" / ")}, at end ${info.loadAverageAtEnd.join(" / ")}. **Shared machine**: other engineers' builds and tests ran at the same time (column "others" = CPU used by every other process during the phase), so the figures are noisy.`,
  );
  lines.push(`- Database: ${result.database}`);
  lines.push(`- Delta endpoint: \`app/api/inbox/changes/route.ts\` ${result.endpoint.inSources ? "present in the sources" : "**absent from the sources**"}, ${result.endpoint.inBuild ? "in the build" : "**not in the build**"}`);
  if (result.skipped) {
    lines.push("", `**Skipped:** ${result.skipped}`);
    return lines.join("\n");
  }
  if (result.error) lines.push("", `**The run failed:** ${result.error}`);
  if (result.cursors) {
    const c = result.cursors;
    lines.push(
      `- Starting cursors: ${c.viaEndpoint} agents from a first call without \`since\` (${Object.entries(c.statuses).map(([s, n]) => `${n}×${s}`).join(" ")}; p50 ${fmt(c.latencyMs.p50)} ms, p95 ${fmt(c.latencyMs.p95)} ms; they carried ${c.firstConversations} conversations and ${c.firstMessages} messages in all)${c.viaDatabase ? `, **${c.viaDatabase} from the database** because the first call failed${c.sample ? `: \`${c.sample.replace(/`/g, "'")}\`` : ""}` : ""}`,
    );
  }
  if (result.idle) lines.push(`- Idle server (nothing sent, ${fmt(result.idle.seconds)} s): ${Object.entries(result.idle.cpu).filter(([l]) => l !== "machine").map(([l, s]) => `${l} ${(s / result.idle!.seconds).toFixed(3)}`).join(" · ")} cores (subtracted in "CPU ms / req")`);
  lines.push("");
  lines.push(
    "Latency is measured from the moment each poll was due (a poll answered late delays the agent's next one, which then counts from its own due time); service = from sending to the answer; errors = no answer within the request timeout. CPU (cores) = CPU seconds per second of the phase: app = the `npm start` process tree, db = the postmaster and its backends, gen = this load generator, others = every other process on the machine. CPU ms / req counts every request sent (an overloaded server also works on requests the client gave up on).",
  );
  lines.push("");
  lines.push("| phase | load | sent | answered | 304 | p50 ms | p95 ms | p99 ms | max ms | service p50 / p95 ms | other statuses | errors | CPU (cores) | CPU ms / req sent (app+db, net of idle) | load avg | generator stall ms |");
  lines.push("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|");
  for (const phase of result.phases) lines.push(phaseRow(result, phase));
  const withWebhooks = result.phases.filter((phase) => phase.webhooks);
  if (withWebhooks.length) {
    lines.push("");
    for (const phase of withWebhooks) {
      const w = phase.webhooks!;
      const errors = Object.entries(w.errors).map(([code, count]) => `${count}×${code}`).join(" ");
      const non2xx = Object.entries(w.statuses).filter(([s]) => !s.startsWith("2")).map(([s, n]) => `${n}×${s}`).join(" ");
      lines.push(
        `- Webhooks during "${phase.label}": ${w.accepted} of ${w.sent} acknowledged (${fmt(w.accepted / w.seconds)}/s), ack p50 ${fmt(w.latencyMs.p50)} ms, p99 ${fmt(w.latencyMs.p99)} ms${non2xx ? `, ${non2xx}` : ""}${errors ? `, errors ${errors}` : ""}${phase.settle ? `; workers ${phase.settle.drained ? `caught up ${fmt(phase.settle.seconds)} s after the phase` : `still had ${phase.settle.remaining} pending ${fmt(phase.settle.seconds)} s after the phase`}` : ""}`,
      );
    }
  }
  const pollPhases = result.phases.filter((phase) => phase.poll.kind === "changes");
  if (pollPhases.length) {
    lines.push("");
    for (const phase of pollPhases) {
      const d = phase.poll.delivered;
      const ok = phase.poll.statuses["200"] ?? 0;
      lines.push(
        `- "${phase.label}": ${ok} answers 200 carried ${d.conversations} conversations, ${d.removed} removed ids, ${d.messages} messages (per 200: ${fmt(d.conversations / ok)} conversations, ${fmt(d.removed / ok)} removed ids, ${fmt(d.bytes / ok / 1024)} KB)${d.emptyOk ? `; **${d.emptyOk} answers 200 carried nothing**` : ""}${d.withoutCursor ? `; **${d.withoutCursor} without a cursor**` : ""}${phase.poll.resyncs ? `; **${phase.poll.resyncs} answers 409 (too much changed), each followed by a fresh cursor**` : ""}; ${phase.poll.lateStarts} polls left > 50 ms late (previous poll of the agent still running); 304 p50 ${fmt(phase.poll.byStatus["304"]?.p50 ?? NaN)} / p95 ${fmt(phase.poll.byStatus["304"]?.p95 ?? NaN)} ms, 200 p50 ${fmt(phase.poll.byStatus["200"]?.p50 ?? NaN)} / p95 ${fmt(phase.poll.byStatus["200"]?.p95 ?? NaN)} ms`,
      );
      if (phase.poll.unexpectedSamples.length) lines.push(`  - unexpected answers (first ${phase.poll.unexpectedSamples.length}): ${phase.poll.unexpectedSamples.map((s) => `\`${s.replace(/`/g, "'").replace(/\n/g, " ")}\``).join("; ")}`);
    }
  }
  const checks = evaluateInbox(result, config);
  if (checks.length) {
    lines.push("");
    lines.push("| target | measured | |");
    lines.push("|---|---|---|");
    for (const check of checks) lines.push(`| ${check.goal} | ${check.measured} | ${check.pass === null ? "–" : check.pass ? "PASS" : "**MISS**"} |`);
  }
  return lines.join("\n");
}

const SECTION_HEADER = `## Inbox polling — \`npm run bench:inbox\`

Issue 5's benchmark: a workspace seeded with 1,000,000 messages in 20,000 conversations (bulk SQL after
the migrations; the app's triggers fire as on any write), then 500 simulated agents, each signed in as
itself (next-auth session cookie), polling the delta endpoint
\`GET /api/inbox/changes?since=<cursor>&status=open&assignee=me&conversationId=<one of its conversations>\`
every 3 s with \`If-None-Match\` (next cursor = the 304's ETag or the 200's \`syncCursor\`), while signed
WhatsApp Cloud webhooks from seeded customers arrive at 50/s and the in-server workers apply them (so
some polls return 200). Baseline in the same run: the same 500 clients every 3 s against \`/api/health\`
(the framework + one \`SELECT 1\`) under the same webhook load, and, without webhooks, health checks,
delta polls (all unchanged) and delta calls without \`since\` (auth + cursor only): the pure cost of
one request of each. See \`bench/inbox.ts\` for the method.

How to run: \`npm run bench:inbox\` (the spec; about 15 minutes plus the build). A quick run:
\`BENCH_INBOX_SECONDS=30 BENCH_INBOX_QUIET_SECONDS=20 BENCH_INBOX_MESSAGES=100000 npm run bench:inbox\`.
\`BENCH_INBOX_SWEEP=100,250\` measures smaller agent counts first (where the latency breaks);
\`BENCH_INBOX_TARGETS=postgres,embedded\` adds the embedded database (smaller seed: \`BENCH_INBOX_EMBEDDED_MESSAGES\`,
100,000 by default); every knob is in \`bench/lib/inbox-config.ts\`. The app is built into \`.next-bench-inbox\`
and the folder is removed afterwards (\`BENCH_INBOX_KEEP_BUILD=1\` keeps it): \`npm run lint\` would lint it.
`;

/** Rewrites this benchmark's block for one target in RESULTS.md, creating the section when missing. */
export function writeInboxResults(file: string, target: InboxTarget, markdown: string) {
  const start = `<!-- bench:inbox:${target}:start -->`;
  const end = `<!-- bench:inbox:${target}:end -->`;
  let text = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmark results\n";
  if (!text.includes("<!-- bench:inbox:")) {
    text = `${text.trimEnd()}\n\n${SECTION_HEADER}\n<!-- bench:inbox:postgres:start -->\n<!-- bench:inbox:postgres:end -->\n\n<!-- bench:inbox:embedded:start -->\n<!-- bench:inbox:embedded:end -->\n`;
  }
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from >= 0 && to > from) text = text.slice(0, from) + block + text.slice(to + end.length);
  else text = `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, text);
}
