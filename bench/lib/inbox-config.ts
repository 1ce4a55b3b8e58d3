// Every knob of `npm run bench:inbox`, from the environment. Defaults are issue 5's spec
// (1,000,000 messages in 20,000 conversations, 500 agents polling every 3 s, webhooks at 50/s);
// shorter or smaller values make a quick run possible (the results always say what was used).

export type InboxTarget = "postgres" | "embedded";

export type InboxBenchConfig = {
  targets: InboxTarget[];
  /** The measured phases with webhooks: agents' delta polls, and the health baseline. */
  seconds: number;
  /** The phases without webhooks (every poll unchanged): pure per-request cost, poll vs health. */
  quietSeconds: number;
  /**
   * Clients in the phases without webhooks. Their CPU per request is only meaningful while the
   * server keeps up (an overloaded server also spends CPU on requests the clients gave up on), so
   * by default they run at a load a contended 2-core machine sustains.
   */
  quietAgents: number;
  /** Smaller agent counts measured like the spec's phase (polls + webhooks) before it: where the latency breaks. */
  sweep: number[];
  sweepSeconds: number;
  /** Also a quiet phase of delta calls without `since` (auth + cursor, no delta query): where an unchanged poll's cost goes. */
  breakdown: boolean;
  warmupSeconds: number;
  /** Nothing sent: the server's own background CPU (pg-boss timers, maintenance), subtracted from per-request costs. */
  idleSeconds: number;
  agents: number;
  intervalMs: number;
  messages: number;
  conversations: number;
  /** The embedded database (PGlite, one WASM backend) gets a smaller seed. */
  embeddedMessages: number;
  embeddedConversations: number;
  webhookRate: number;
  maxSockets: number;
  requestTimeoutSeconds: number;
  settleMaxSeconds: number;
  progressSeconds: number;
  /**
   * Keep the PostgreSQL cluster in this folder and reuse its seed on the next run with the same
   * seed size (skips initdb and the seeding: over a minute at the spec's size). Null: a throwaway
   * cluster per run.
   */
  pgDir: string | null;
  build: "auto" | "always" | "never";
  /** Keep .next-bench-inbox after the run (default: removed, because `eslint .` lints every .next-* folder). */
  keepBuild: boolean;
  writeResults: boolean;
};

export const INBOX_SPEC = { seconds: 120, agents: 500, intervalMs: 3000, messages: 1_000_000, conversations: 20_000, webhookRate: 50, p95TargetMs: 30 } as const;

function num(name: string, fallback: number, { min = 0 } = {}): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new Error(`${name} must be a number ≥ ${min} (got "${raw}")`);
  return value;
}

export function readInboxConfig(): InboxBenchConfig {
  const targets = (process.env.BENCH_INBOX_TARGETS ?? "postgres").split(",").map((t) => t.trim()).filter(Boolean);
  for (const target of targets) if (target !== "embedded" && target !== "postgres") throw new Error(`BENCH_INBOX_TARGETS: unknown target "${target}" (postgres, embedded)`);
  const build = process.env.BENCH_INBOX_BUILD ?? "auto";
  if (build !== "auto" && build !== "always" && build !== "never") throw new Error("BENCH_INBOX_BUILD must be auto, always or never");
  const seconds = num("BENCH_INBOX_SECONDS", INBOX_SPEC.seconds, { min: 1 });
  const config: InboxBenchConfig = {
    targets: targets as InboxTarget[],
    seconds,
    quietSeconds: num("BENCH_INBOX_QUIET_SECONDS", Math.min(60, seconds)),
    breakdown: process.env.BENCH_INBOX_BREAKDOWN !== "0",
    quietAgents: num("BENCH_INBOX_QUIET_AGENTS", 100, { min: 1 }),
    sweep: (process.env.BENCH_INBOX_SWEEP ?? "")
      .split(",")
      .map((v) => v.trim())
      .filter(Boolean)
      .map((v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1) throw new Error(`BENCH_INBOX_SWEEP: "${v}" is not an agent count`);
        return n;
      }),
    sweepSeconds: num("BENCH_INBOX_SWEEP_SECONDS", 60, { min: 1 }),
    warmupSeconds: num("BENCH_INBOX_WARMUP_SECONDS", 20),
    idleSeconds: num("BENCH_INBOX_IDLE_SECONDS", 15),
    agents: num("BENCH_INBOX_AGENTS", INBOX_SPEC.agents, { min: 1 }),
    intervalMs: num("BENCH_INBOX_INTERVAL_MS", INBOX_SPEC.intervalMs, { min: 100 }),
    messages: num("BENCH_INBOX_MESSAGES", INBOX_SPEC.messages),
    conversations: num("BENCH_INBOX_CONVERSATIONS", INBOX_SPEC.conversations, { min: 1 }),
    embeddedMessages: num("BENCH_INBOX_EMBEDDED_MESSAGES", 100_000),
    embeddedConversations: num("BENCH_INBOX_EMBEDDED_CONVERSATIONS", INBOX_SPEC.conversations, { min: 1 }),
    webhookRate: num("BENCH_INBOX_WEBHOOK_RATE", INBOX_SPEC.webhookRate),
    maxSockets: num("BENCH_INBOX_MAX_SOCKETS", 128, { min: 1 }),
    requestTimeoutSeconds: num("BENCH_INBOX_REQUEST_TIMEOUT_SECONDS", 10, { min: 1 }),
    settleMaxSeconds: num("BENCH_INBOX_SETTLE_MAX_SECONDS", 90),
    progressSeconds: num("BENCH_INBOX_PROGRESS_SECONDS", 10, { min: 1 }),
    pgDir: process.env.BENCH_INBOX_PG_DIR || null,
    build,
    keepBuild: process.env.BENCH_INBOX_KEEP_BUILD === "1" || build === "never",
    writeResults: process.env.BENCH_INBOX_WRITE_RESULTS !== "0",
  };
  return config;
}

/** Seed sizes for a target. */
export function seedSize(config: InboxBenchConfig, target: InboxTarget) {
  return target === "postgres"
    ? { messages: config.messages, conversations: config.conversations }
    : { messages: config.embeddedMessages, conversations: config.embeddedConversations };
}

/** The BENCH_INBOX_* assignments of this run, for the "exact command" line. */
export function inboxEnvLine(): string {
  return Object.entries(process.env)
    .filter(([key]) => key.startsWith("BENCH_INBOX_") || key === "BENCH_POSTGRES_OPTIONS")
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${value}`)
    .join(" ");
}
