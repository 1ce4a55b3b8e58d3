import { randomBytes } from "node:crypto";
import path from "node:path";
import type { MachineInfo } from "./machine";
import { findPostgresBin, postmasterPid, startPostgres } from "./postgres-server";
import { cpuSecondsOf, freePort, onCleanup, type CpuProbe } from "./processes";

// The database half of a benchmark's setup, shared by bench:flows and bench:campaigns: the
// environment the app starts with (fresh secrets, the fake Graph API, nothing inherited that
// would point it elsewhere) and its database — a throwaway PostgreSQL cluster, or the embedded
// database that `npm start` runs in its own process — with CPU probes for the app and the
// database that fit that layout (PGlite's CPU is the launcher's own, the app's is its children's).

export type BenchDatabaseOptions = {
  target: "postgres" | "embedded";
  /** The knob named in the error when PostgreSQL is missing, e.g. BENCH_FLOWS_TARGET. */
  targetKnob: string;
  graphUrl: string;
  workDir: string;
  machine: MachineInfo;
  /** The app server's pid (0 until it runs). */
  appPid: () => number;
  /** Extra PostgreSQL server flags (e.g. pg_stat_statements), and how to say so in the report. */
  postgresOptions?: { flags: string; description: string };
};

export type BenchDatabase = {
  /** The app's environment, DATABASE_URL or EMBEDDED_DB_* included. */
  env: NodeJS.ProcessEnv;
  /** How the benchmark itself connects. */
  databaseUrl: string;
  /** For the report. */
  description: string;
  dbProbe: CpuProbe;
  appProbe: CpuProbe;
};

export async function startBenchDatabase({ target, targetKnob, graphUrl, workDir, machine, appPid, postgresOptions }: BenchDatabaseOptions): Promise<BenchDatabase> {
  const secrets = { NEXTAUTH_SECRET: randomBytes(32).toString("base64url"), ENCRYPTION_KEY: randomBytes(32).toString("base64") };
  // The seeders encrypt channel credentials with the app's key.
  process.env.ENCRYPTION_KEY = secrets.ENCRYPTION_KEY;
  const env: NodeJS.ProcessEnv = { ...process.env, ...secrets, LOG_LEVEL: "warn", NODE_ENV: "production", GRAPH_API_URL: graphUrl };
  for (const key of ["DATABASE_URL", "EMBEDDED_DB_DIR", "EMBEDDED_DB_PORT", "PORT", "RUN_WORKERS", "NEXT_DIST_DIR", "NEXTAUTH_URL"]) delete env[key];

  if (target === "postgres") {
    const bin = findPostgresBin();
    if (!bin) throw new Error(`${targetKnob}=postgres but no PostgreSQL binaries in /usr/lib/postgresql/*/bin (apt-get install -y postgresql)`);
    if (postgresOptions) process.env.BENCH_POSTGRES_OPTIONS = `${process.env.BENCH_POSTGRES_OPTIONS ?? ""} ${postgresOptions.flags}`.trim();
    const server = startPostgres({ bin, port: await freePort() });
    onCleanup(() => server.stop());
    env.DATABASE_URL = server.url;
    return {
      env,
      databaseUrl: server.url,
      description: `${server.version}, throwaway cluster, default settings (fsync on, synchronous_commit on)${postgresOptions ? ` + ${postgresOptions.description}` : ""}`,
      dbProbe: { label: "db", read: () => cpuSecondsOf(postmasterPid(server.dataDir) ?? 0) },
      appProbe: { label: "app", read: () => cpuSecondsOf(appPid()) },
    };
  }
  const dbPort = await freePort();
  env.EMBEDDED_DB_DIR = path.join(workDir, "pglite");
  env.EMBEDDED_DB_PORT = String(dbPort);
  return {
    env,
    databaseUrl: `postgresql://postgres:postgres@127.0.0.1:${dbPort}/postgres?sslmode=disable`,
    description: `PGlite ${machine.pglite} embedded by \`npm start\``,
    dbProbe: { label: "db", read: () => cpuSecondsOf(appPid(), { withDescendants: false }) },
    appProbe: { label: "app", read: () => cpuSecondsOf(appPid()) - cpuSecondsOf(appPid(), { withDescendants: false }) },
  };
}
