import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runSync } from "./processes";

// A throwaway PostgreSQL cluster for one benchmark run: initdb into a temp folder, default
// settings (fsync on, synchronous_commit on, shared_buffers 128 MB), loopback only.
// PostgreSQL refuses to run as root, so when we are root it runs as the `postgres` user.

export type PostgresServer = { url: string; version: string; dataDir: string; stop: () => void };

/** The newest installed PostgreSQL bin folder (Debian layout), or null. */
export function findPostgresBin(): string | null {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return null;
  const versions = readdirSync(base)
    .filter((name) => existsSync(path.join(base, name, "bin", "pg_ctl")))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(base, versions[0], "bin") : null;
}

export type StartPostgresOptions = {
  bin: string;
  port: number;
  /**
   * A folder to keep the cluster in, reused when it already holds one and kept after stop()
   * (a seeded database survives between runs). Default: a temp folder, removed on stop().
   */
  keepIn?: string;
};

export function startPostgres({ bin, port, keepIn }: StartPostgresOptions): PostgresServer {
  const dataRoot = keepIn ? path.resolve(keepIn) : mkdtempSync(path.join(tmpdir(), "switchboard-bench-pg-"));
  if (keepIn) mkdirSync(dataRoot, { recursive: true });
  const dataDir = path.join(dataRoot, "data");
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(dataRoot, uidOf("postgres"), gidOf("postgres"));
  const run = (tool: string, args: string[]) =>
    asRoot ? runSync("runuser", ["-u", "postgres", "--", path.join(bin, tool), ...args]) : runSync(path.join(bin, tool), args);

  // --no-sync only speeds up initdb itself; the server below runs with fsync on.
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) run("initdb", ["-D", dataDir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"]);
  // BENCH_POSTGRES_OPTIONS adds server flags for profiling, e.g. "-c log_min_duration_statement=10".
  const options = `-p ${port} -k ${dataRoot} -c listen_addresses=127.0.0.1 ${process.env.BENCH_POSTGRES_OPTIONS ?? ""}`.trim();
  run("pg_ctl", ["-D", dataDir, "-l", path.join(dataRoot, "postgres.log"), "-o", options, "-w", "-t", "60", "start"]);
  const version = run("postgres", ["--version"]).trim();
  let stopped = false;
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    version,
    dataDir,
    stop: () => {
      if (stopped) return;
      stopped = true;
      try {
        run("pg_ctl", ["-D", dataDir, "-m", "fast", "-w", "-t", "60", "stop"]);
      } finally {
        if (!keepIn) rmSync(dataRoot, { recursive: true, force: true });
      }
    },
  };
}

/** The postmaster's pid (its backends are its children), for CPU accounting. */
export function postmasterPid(dataDir: string): number | null {
  try {
    return Number(readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
  } catch {
    return null;
  }
}

function uidOf(user: string) {
  return Number(runSync("id", ["-u", user]).trim());
}

function gidOf(user: string) {
  return Number(runSync("id", ["-g", user]).trim());
}
