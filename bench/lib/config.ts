// Every knob of `npm run bench:webhooks`, from the environment. Defaults are the spec;
// shorter values make a quick run possible (the results always say which durations were used).

export type Target = "embedded" | "postgres";

export type BenchConfig = {
  targets: Target[];
  warmupSeconds: number;
  sustainedSeconds: number;
  sustainedRate: number;
  /** The sustained rate again on the server without in-process workers (not in the spec; 0 = skip). */
  noWorkersSustainedSeconds: number;
  burstSeconds: number;
  burstRate: number;
  peakSeconds: number;
  peakConnections: number;
  backlog: number;
  /**
   * Where the job workers run during the load phases: "separate" (the web server with
   * RUN_WORKERS=false plus `loadWorkers` `npm run worker` processes, the recommended production
   * shape) or "in-server" (RUN_WORKERS=true, the zero-configuration default).
   */
  workersMode: "separate" | "in-server";
  loadWorkers: number;
  drainWorkers: number;
  /** Creates the pg-boss fetch index proposed in bench/RESULTS.md (not part of the app) before the app phases. */
  proposedJobIndex: boolean;
  drainTimeoutSeconds: number;
  settleMaxSeconds: number;
  contacts: number;
  maxSockets: number;
  requestTimeoutSeconds: number;
  progressSeconds: number;
  build: "auto" | "always" | "never";
  writeResults: boolean;
};

export const SPEC = { sustainedSeconds: 600, sustainedRate: 300, burstSeconds: 60, burstRate: 1000, peakSeconds: 20, backlog: 100_000 } as const;

function num(name: string, fallback: number, { min = 0 } = {}): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new Error(`${name} must be a number ≥ ${min} (got "${raw}")`);
  return value;
}

export function readConfig(): BenchConfig {
  const targets = (process.env.BENCH_TARGETS ?? "embedded,postgres").split(",").map((t) => t.trim()).filter(Boolean);
  for (const target of targets) if (target !== "embedded" && target !== "postgres") throw new Error(`BENCH_TARGETS: unknown target "${target}" (embedded, postgres)`);
  const build = process.env.BENCH_BUILD ?? "auto";
  if (build !== "auto" && build !== "always" && build !== "never") throw new Error(`BENCH_BUILD must be auto, always or never`);
  const workersMode = process.env.BENCH_WORKERS_MODE ?? "separate";
  if (workersMode !== "separate" && workersMode !== "in-server") throw new Error("BENCH_WORKERS_MODE must be separate or in-server");
  return {
    targets: targets as Target[],
    warmupSeconds: num("BENCH_WARMUP_SECONDS", 10),
    sustainedSeconds: num("BENCH_SUSTAINED_SECONDS", SPEC.sustainedSeconds),
    sustainedRate: num("BENCH_SUSTAINED_RATE", SPEC.sustainedRate, { min: 1 }),
    noWorkersSustainedSeconds: num("BENCH_NO_WORKERS_SUSTAINED_SECONDS", 60),
    burstSeconds: num("BENCH_BURST_SECONDS", SPEC.burstSeconds),
    burstRate: num("BENCH_BURST_RATE", SPEC.burstRate, { min: 1 }),
    peakSeconds: num("BENCH_PEAK_SECONDS", SPEC.peakSeconds),
    peakConnections: num("BENCH_PEAK_CONNECTIONS", 64, { min: 1 }),
    backlog: num("BENCH_BACKLOG", SPEC.backlog),
    workersMode,
    loadWorkers: num("BENCH_LOAD_WORKERS", 1, { min: 1 }),
    drainWorkers: num("BENCH_DRAIN_WORKERS", 1, { min: 1 }),
    proposedJobIndex: process.env.BENCH_PROPOSED_JOB_INDEX === "1",
    drainTimeoutSeconds: num("BENCH_DRAIN_TIMEOUT_SECONDS", 1800, { min: 1 }),
    settleMaxSeconds: num("BENCH_SETTLE_MAX_SECONDS", 120),
    contacts: num("BENCH_CONTACTS", 1000, { min: 1 }),
    maxSockets: num("BENCH_MAX_SOCKETS", 256, { min: 1 }),
    requestTimeoutSeconds: num("BENCH_REQUEST_TIMEOUT_SECONDS", 10, { min: 1 }),
    progressSeconds: num("BENCH_PROGRESS_SECONDS", 10, { min: 1 }),
    build,
    writeResults: process.env.BENCH_WRITE_RESULTS !== "0",
  };
}

/** The env assignments that differ from the spec defaults, for the "exact command" line. */
export function nonDefaultEnv(): string {
  return Object.entries(process.env)
    .filter(([key]) => key.startsWith("BENCH_"))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${value}`)
    .join(" ");
}
