import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { MachineInfo } from "./machine";
import type { FlowPhaseResult, Inbound, QueueTiming } from "./flows-load";

// Figures and the bench/RESULTS.md section of `npm run bench:flows`.

export type Percentiles = { count: number; p50: number; p95: number; p99: number; max: number };

export type PhaseFigures = {
  name: string;
  rate: number;
  seconds: number;
  contacts: "distinct" | number;
  sent: number;
  accepted: number;
  notAccepted: number;
  lost: number;
  duplicates: number;
  strayReplies: number;
  /** t_reply − t0: inbound POST → first flow reply at the fake Graph API. */
  endToEnd: Percentiles;
  /** t_ingest − t0: the ingestion path alone (POST → inbound Message committed). */
  ingestion: Percentiles;
  /** t_reply − t_ingest: what the flow engine adds (automations job → send job → adapter). */
  engine: Percentiles;
  /** HTTP answer time of the webhook POST. */
  webhookAnswer: Percentiles;
  /** CPU seconds per wall second, per process group, during the phase. */
  cpuPerSecond: Record<string, number>;
  generatorLagMs: number;
  /** Pacing run: each message's end-to-end time, in order. */
  sequence?: number[];
  /** The engine's part in stages (PostgreSQL only; flows-load.ts engineStages): p50/p95/p99 of each. */
  stages?: Record<string, Percentiles>;
  /** Per queue: wait (due → fetched) and run (fetched → completed), from pg-boss's job rows. */
  queues?: Record<string, QueueTiming>;
};

export function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]! : Number.NaN);
  return { count: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN };
}

export function figuresOf(phase: FlowPhaseResult, cpu: Record<string, number>, wallSeconds: number): PhaseFigures {
  const complete = phase.inbound.filter((item): item is Inbound & { ingestAt: number; replyAt: number } => item.ingestAt !== undefined && item.replyAt !== undefined);
  const answered = phase.inbound.filter((item) => item.answeredAt !== undefined && item.status !== undefined && item.status < 300);
  const figures: PhaseFigures = {
    name: phase.name,
    rate: phase.rate,
    seconds: phase.seconds,
    contacts: phase.contacts,
    sent: phase.inbound.length,
    accepted: phase.accepted,
    notAccepted: phase.notAccepted,
    lost: phase.lost,
    duplicates: phase.duplicates,
    strayReplies: phase.strayReplies,
    endToEnd: percentiles(complete.map((item) => item.replyAt - item.t0)),
    ingestion: percentiles(complete.map((item) => item.ingestAt - item.t0)),
    // A reply can be stamped before the ingest poll saw the row: never below zero.
    engine: percentiles(complete.map((item) => Math.max(0, item.replyAt - item.ingestAt))),
    webhookAnswer: percentiles(answered.map((item) => item.answeredAt! - item.t0)),
    cpuPerSecond: Object.fromEntries(Object.entries(cpu).map(([label, seconds]) => [label, round(seconds / wallSeconds, 2)])),
    generatorLagMs: round(phase.generatorLagMs, 1),
  };
  if (phase.contacts !== "distinct") figures.sequence = phase.inbound.map((item) => (item.replyAt === undefined ? Number.NaN : item.replyAt - item.t0));
  return figures;
}

export type FlowsRunInfo = {
  date: string;
  command: string;
  machine: MachineInfo;
  loadAverageAtEnd: number[];
  database: string;
  build: string;
  workers: string;
  pollMs: number;
  ingestClock: "commit-timestamp" | "poll";
  targetP95Ms: number;
};

const fmt = (value: number) => (Number.isFinite(value) ? `${Math.round(value)}` : "–");
const row = (label: string, p: Percentiles) => `| ${label} | ${fmt(p.p50)} | ${fmt(p.p95)} | ${fmt(p.p99)} | ${fmt(p.max)} |`;

export function renderFlows(info: FlowsRunInfo, phases: PhaseFigures[]): string {
  const lines: string[] = [];
  lines.push(`- Date: ${info.date}; commit ${info.machine.commit}`);
  lines.push(`- Machine: ${info.machine.cpus} CPU (${info.machine.cpuModel}), ${info.machine.memoryGiB} GiB, ${info.machine.os}, Node ${info.machine.node}`);
  lines.push(`- Load average (1/5/15 min) at start ${info.machine.loadAverageAtStart.join(" / ")}, at end ${info.loadAverageAtEnd.join(" / ")} (the machine is shared: other people's builds and tests ran meanwhile)`);
  lines.push(`- Database: ${info.database}; app: ${info.build}; workers: ${info.workers}`);
  lines.push(`- Command: \`${info.command}\``);
  lines.push(
    info.ingestClock === "commit-timestamp"
      ? "- t_ingest is the commit time PostgreSQL recorded for the transaction that inserted the inbound Message (track_commit_timestamp, read after each phase), t_reply is stamped by the fake Graph API on arrival; both on this machine's clock."
      : `- t_ingest is observed by polling the database every ${info.pollMs} ms (late by up to that plus one query), t_reply is stamped by the fake Graph API on arrival.`,
  );
  for (const phase of phases) {
    lines.push("");
    const who = phase.contacts === "distinct" ? "every message from a new contact (WhatsApp pair pacing never applies)" : `${phase.contacts} contact(s) (pacing visible)`;
    lines.push(`**${phase.name}**: ${phase.rate} msg/s for ${phase.seconds} s, ${who}. Sent ${phase.sent}, accepted ${phase.accepted}, not accepted ${phase.notAccepted}, lost (no reply) ${phase.lost}, duplicate replies ${phase.duplicates}, stray replies ${phase.strayReplies}.`);
    lines.push("");
    lines.push("| ms | p50 | p95 | p99 | max |");
    lines.push("|---|---|---|---|---|");
    lines.push(row("webhook POST answered", phase.webhookAnswer));
    lines.push(row("ingestion alone (POST → inbound Message committed)", phase.ingestion));
    lines.push(row("end to end (POST → flow reply at the fake Graph API)", phase.endToEnd));
    lines.push(row("**engine's added part** (reply − ingestion)", phase.engine));
    lines.push("");
    lines.push(`CPU (s per s): ${Object.entries(phase.cpuPerSecond).map(([label, value]) => `${label} ${value}`).join(", ")}; load generator's worst event-loop lag ${phase.generatorLagMs} ms.`);
    if (phase.queues) {
      const parts = Object.entries(phase.queues).map(([queue, t]) => `${queue} (${t.jobs} jobs): wait ${t.waitP50}/${t.waitP95} ms, run ${t.runP50}/${t.runP95} ms`);
      lines.push(`Where the time goes (p50/p95, pg-boss job rows; wait = due → fetched by a worker, run = the handler): ${parts.join("; ")}.`);
    }
    if (phase.stages) {
      const parts = Object.entries(phase.stages).map(([stage, p]) => `${stage} ${fmt(p.p50)}/${fmt(p.p95)}/${fmt(p.p99)}`);
      lines.push(`The engine's part in stages (ms, p50/p95/p99, from the database's commit times and job rows; each stage's percentiles on their own): ${parts.join("; ")}.`);
    }
    if (phase.sequence) lines.push(`Each message's end to end, in order (s): ${phase.sequence.map((ms) => (Number.isFinite(ms) ? (ms / 1000).toFixed(1) : "lost")).join(", ")}.`);
  }
  return lines.join("\n");
}

/** Verdict on the issue's target: p95 of the engine's added part under targetP95Ms, nothing lost or doubled. */
export function verdict(info: FlowsRunInfo, main: PhaseFigures | undefined): string {
  if (!main) return "no measured phase";
  const ok = main.engine.p95 < info.targetP95Ms && main.lost === 0 && main.duplicates === 0 && main.notAccepted === 0;
  return `${ok ? "MET" : "MISSED"}: engine p95 ${fmt(main.engine.p95)} ms (target < ${info.targetP95Ms} ms), lost ${main.lost}, duplicates ${main.duplicates}, not accepted ${main.notAccepted}`;
}

const START = "<!-- bench:flows:start -->";
const END = "<!-- bench:flows:end -->";

/** Replaces this benchmark's section of bench/RESULTS.md (between its markers), or appends it. */
export function writeFlowsSection(file: string, body: string) {
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
