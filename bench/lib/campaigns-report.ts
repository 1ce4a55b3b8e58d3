import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { MachineInfo } from "./machine";
import type { CampaignPhaseResult, CeilingResult, QueueCeilingResult, StatementStat } from "./campaigns-load";

// Figures and the bench/RESULTS.md section of `npm run bench:campaigns`.

export type PhaseFigures = {
  name: string;
  pace: number;
  recipients: number;
  /** recipients / pace: when the last send is due if the first goes out at the launch. */
  idealSeconds: number;
  /** Launch POST → the fake received the last send. */
  wallSeconds: number;
  /** wall / ideal − 1. */
  deviation: number;
  launchAnswerMs: number;
  firstSendMs: number;
  /** recipients / wall. */
  overallRate: number;
  /** Sends between the 10th and the 90th percentile of receive times, per second. */
  steadyRate: number;
  /** Sends per whole second of the steady part: min / p50 / max. */
  perSecond: { min: number; p50: number; max: number };
  received: number;
  duplicates: number;
  lost: number;
  stray: number;
  /** CPU seconds per wall second, per process group. */
  cpuPerSecond: Record<string, number>;
  /** CPU milliseconds per send, per process group. */
  cpuPerSendMs: Record<string, number>;
  /** pg_stat_statements: execution time and statements per send, the costliest statements. */
  statements: { execMsPerSend: number; callsPerSend: number; top: Array<StatementStat & { perSend: number }> } | null;
  final: CampaignPhaseResult["final"];
};

export function figuresOf(phase: CampaignPhaseResult): PhaseFigures {
  const offsets = phase.sendOffsetsMs;
  const n = offsets.length;
  const at = (q: number) => offsets[Math.min(n - 1, Math.max(0, Math.floor(q * (n - 1))))] ?? Number.NaN;
  const i10 = Math.floor(0.1 * (n - 1));
  const i90 = Math.floor(0.9 * (n - 1));
  const steadySpan = (at(0.9) - at(0.1)) / 1000;
  const buckets = new Map<number, number>();
  for (const ms of offsets) if (ms >= at(0.1) && ms < at(0.9)) buckets.set(Math.floor(ms / 1000), (buckets.get(Math.floor(ms / 1000)) ?? 0) + 1);
  // Whole seconds only: drop the partial first and last bucket of the steady part.
  const keys = [...buckets.keys()].sort((a, b) => a - b).slice(1, -1);
  const perSecond = keys.map((key) => buckets.get(key)!).sort((a, b) => a - b);
  const sends = Math.max(1, phase.counts.received);
  const idealSeconds = phase.recipients / phase.pace;
  return {
    name: phase.name,
    pace: phase.pace,
    recipients: phase.recipients,
    idealSeconds: round(idealSeconds, 1),
    wallSeconds: round(phase.wallSeconds, 2),
    deviation: round(phase.wallSeconds / idealSeconds - 1, 4),
    launchAnswerMs: phase.launchAnswerMs,
    firstSendMs: Math.round(at(0)),
    overallRate: Math.round(phase.counts.distinct / phase.wallSeconds),
    steadyRate: steadySpan > 0 ? Math.round((i90 - i10) / steadySpan) : Number.NaN,
    perSecond: perSecond.length ? { min: perSecond[0]!, p50: perSecond[Math.floor(perSecond.length / 2)]!, max: perSecond[perSecond.length - 1]! } : { min: Number.NaN, p50: Number.NaN, max: Number.NaN },
    received: phase.counts.received,
    duplicates: phase.counts.duplicates,
    lost: phase.counts.lost,
    stray: phase.counts.stray,
    cpuPerSecond: Object.fromEntries(Object.entries(phase.cpu).map(([label, seconds]) => [label, round(seconds / phase.wallSeconds, 2)])),
    cpuPerSendMs: Object.fromEntries(Object.entries(phase.cpu).map(([label, seconds]) => [label, round((seconds * 1000) / sends, 3)])),
    statements: phase.statements
      ? {
          execMsPerSend: round(phase.statements.totalMs / sends, 3),
          callsPerSend: round(phase.statements.calls / sends, 2),
          top: phase.statements.top.map((s) => ({ ...s, perSend: round(s.calls / sends, 2) })),
        }
      : null,
    final: phase.final,
  };
}

export type CampaignsRunInfo = {
  date: string;
  command: string;
  machine: MachineInfo;
  loadAverageAtEnd: number[];
  database: string;
  build: string;
  tolerance: number;
  targetRate: number;
  ceiling: CeilingResult | null;
  queueCeiling: QueueCeilingResult | null;
};

const fmt = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : "–");
const pct = (value: number) => `${value >= 0 ? "+" : ""}${fmt(value * 100, 1)} %`;

export function renderCampaigns(info: CampaignsRunInfo, phases: PhaseFigures[]): string {
  const lines: string[] = [];
  lines.push(`- Date: ${info.date}; commit ${info.machine.commit}`);
  lines.push(`- Machine: ${info.machine.cpus} CPU (${info.machine.cpuModel}), ${info.machine.memoryGiB} GiB, ${info.machine.os}, Node ${info.machine.node}`);
  lines.push(`- Load average (1/5/15 min) at start ${info.machine.loadAverageAtStart.join(" / ")}, at end ${info.loadAverageAtEnd.join(" / ")} (the machine is shared: other people's builds and tests may have run meanwhile)`);
  lines.push(`- Database: ${info.database}; app: ${info.build}; workers inside the web server (the default deployment)`);
  lines.push(`- Command: \`${info.command}\``);
  if (info.ceiling) {
    const c = info.ceiling;
    lines.push(`- Baseline, fake Graph API ceiling: a tight loop of ${c.concurrency} keep-alive connections posted ${c.requests} template sends in ${c.seconds} s = **${c.perSecond}/s** (${c.errors} errors; the fake and the loop share one process).`);
  }
  if (info.queueCeiling) {
    const q = info.queueCeiling;
    lines.push(
      `- Baseline, pg-boss empty jobs with message-send's worker settings (${q.workers} fetch loops × batches of ${q.batchSize}): ${q.jobs} jobs in ${q.seconds} s = **${q.perSecond}/s**` +
        `${q.dbCpuPerJobMs === null ? "" : `, PostgreSQL CPU ${q.dbCpuPerJobMs} ms per job`}.`,
    );
  }
  for (const phase of phases) {
    lines.push("");
    lines.push(
      `**${phase.name}**: ${phase.recipients} recipients at ${phase.pace}/s (ideal ${fmt(phase.idealSeconds, 1)} s). Launch → last send at the fake **${fmt(phase.wallSeconds, 1)} s (${pct(phase.deviation)})**; ` +
        `launch answered in ${phase.launchAnswerMs} ms, first send after ${phase.firstSendMs} ms.`,
    );
    lines.push("");
    lines.push("| | value |");
    lines.push("|---|---|");
    lines.push(`| achieved rate, overall (recipients ÷ launch → last send) | ${fmt(phase.overallRate)}/s |`);
    lines.push(`| achieved rate, steady (10th → 90th percentile of receive times) | ${fmt(phase.steadyRate)}/s |`);
    lines.push(`| sends per whole second in the steady part, min / median / max | ${fmt(phase.perSecond.min)} / ${fmt(phase.perSecond.p50)} / ${fmt(phase.perSecond.max)} |`);
    lines.push(`| sends received / duplicates / lost / stray | ${phase.received} / ${phase.duplicates} / ${phase.lost} / ${phase.stray} |`);
    lines.push(`| CPU per send (ms): ${Object.keys(phase.cpuPerSendMs).join(", ")} | ${Object.values(phase.cpuPerSendMs).map((v) => fmt(v, 2)).join(", ")} |`);
    lines.push(`| CPU (s per s): ${Object.keys(phase.cpuPerSecond).join(", ")} | ${Object.values(phase.cpuPerSecond).map((v) => fmt(v, 2)).join(", ")} |`);
    if (phase.statements) {
      lines.push(`| database time per send (pg_stat_statements execution time ÷ sends) | ${fmt(phase.statements.execMsPerSend, 2)} ms |`);
      lines.push(`| statements per send | ${fmt(phase.statements.callsPerSend, 1)} |`);
    }
    if (phase.final) lines.push(`| the campaign at the end (GET /api/campaigns/:id) | ${phase.final.status}, ${Object.entries(phase.final.counts).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(", ")} |`);
    if (phase.statements && phase.statements.top.length > 0) {
      lines.push("");
      lines.push("<details><summary>Costliest statements (pg_stat_statements)</summary>");
      lines.push("");
      lines.push("| total ms | calls per send | mean ms | statement |");
      lines.push("|---|---|---|---|");
      for (const s of phase.statements.top.slice(0, 12)) lines.push(`| ${fmt(s.totalMs)} | ${fmt(s.perSend, 2)} | ${fmt(s.meanMs, 3)} | \`${s.query.replace(/\|/g, "\\|").replace(/`/g, "'")}\` |`);
      lines.push("");
      lines.push("</details>");
    }
  }
  return lines.join("\n");
}

/** Phase 1: launch → last send within ±tolerance of the ideal; nothing lost or doubled. */
export function paceVerdict(info: CampaignsRunInfo, phase: PhaseFigures | undefined): { ok: boolean; text: string } {
  if (!phase) return { ok: false, text: "no paced phase" };
  const ok = Math.abs(phase.deviation) <= info.tolerance && phase.lost === 0 && phase.duplicates === 0;
  return { ok, text: `${ok ? "PASS" : "MISS"}: ${fmt(phase.wallSeconds, 1)} s for ${phase.recipients} at ${phase.pace}/s (ideal ${fmt(phase.idealSeconds, 1)} s, ${pct(phase.deviation)}, allowed ±${fmt(info.tolerance * 100)} %), lost ${phase.lost}, duplicates ${phase.duplicates}` };
}

/** Phase 2: steady achieved rate at least the target; nothing lost or doubled. */
export function rateVerdict(info: CampaignsRunInfo, phase: PhaseFigures | undefined): { ok: boolean; text: string } {
  if (!phase) return { ok: false, text: "no fast phase" };
  const ok = phase.steadyRate >= info.targetRate && phase.lost === 0 && phase.duplicates === 0;
  return {
    ok,
    text: `${ok ? "PASS" : "MISS"}: steady ${fmt(phase.steadyRate)}/s, overall ${fmt(phase.overallRate)}/s at a pace of ${phase.pace}/s (target ≥ ${info.targetRate}/s), lost ${phase.lost}, duplicates ${phase.duplicates}` +
      `${phase.statements ? `; database ${fmt(phase.statements.execMsPerSend, 2)} ms and ${fmt(phase.statements.callsPerSend, 1)} statements per send` : ""}${phase.cpuPerSendMs.db !== undefined ? `, PostgreSQL CPU ${fmt(phase.cpuPerSendMs.db, 2)} ms per send` : ""}`,
  };
}

const START = "<!-- bench:campaigns:start -->";
const END = "<!-- bench:campaigns:end -->";

/** Replaces this benchmark's section of bench/RESULTS.md (between its markers), or appends it. */
export function writeCampaignsSection(file: string, body: string) {
  const section = `${START}\n${body}\n${END}`;
  const text = existsSync(file) ? readFileSync(file, "utf8") : "";
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  const next = start >= 0 && end > start ? text.slice(0, start) + section + text.slice(end + END.length) : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next);
}

function round(value: number, digits: number) {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
