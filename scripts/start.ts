// `npm start`: one command from a fresh clone to a running Switchboard.
// Without DATABASE_URL it starts the embedded database (PGlite, data in .data/), applies
// migrations, builds the app if the build is missing or older than the sources, and serves it
// on PORT (3000). With DATABASE_URL it uses that PostgreSQL server and starts no database.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "../lib/db/embedded";
import { getEnv } from "../lib/env";

const root = path.resolve(import.meta.dirname, "..");
const bin = (name: string) => path.join(root, "node_modules", ".bin", name);
const isDev = process.argv.includes("--dev");

if (existsSync(path.join(root, ".env"))) process.loadEnvFile(path.join(root, ".env"));
const port = process.env.PORT ?? "3000";
process.env.PORT = port;
process.env.NEXTAUTH_URL ??= `http://localhost:${port}`;
// No network here or on many servers: never phone home.
process.env.NEXT_TELEMETRY_DISABLED ??= "1";

let embedded: EmbeddedDatabase | null = null;
let server: ChildProcess | null = null;
let stopping = false;

async function main() {
  if (!process.env.DATABASE_URL) {
    const dataDir = process.env.EMBEDDED_DB_DIR ?? path.join(root, ".data", "pglite");
    // Secrets live beside the database they protect: .data/secrets.json by default.
    ensureLocalSecrets(path.dirname(path.resolve(dataDir)));
    log(`starting the embedded database in ${path.relative(root, dataDir) || dataDir}`);
    embedded = await startEmbeddedDatabase({ dataDir, port: Number(process.env.EMBEDDED_DB_PORT ?? 0) });
    process.env.DATABASE_URL = embedded.url;
  }
  try {
    getEnv();
  } catch (error) {
    throw new Error(`${(error as Error).message}\nSet them in the environment or in .env (see .env.example).`);
  }
  log("applying database migrations");
  await run(bin("prisma"), ["migrate", "deploy"]);
  if (isDev) {
    server = spawn(bin("next"), ["dev", "-p", port], { stdio: "inherit", env: process.env });
  } else {
    if (needsBuild()) {
      log("building the app (first start or sources changed; takes a minute or two)");
      await run(bin("next"), ["build"]);
    }
    // Next.js behind a node:http server of our own (scripts/server.ts): webhooks skip the framework.
    server = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts", "server.ts")], {
      stdio: "inherit",
      env: { ...process.env, NODE_ENV: "production" },
      cwd: root,
    });
  }
  log(`Switchboard is starting on http://localhost:${port}`);
  server.on("exit", (code, signal) => {
    if (stopping) return;
    log(`the web server exited (${signal ?? code}); stopping`);
    void shutdown(code ?? 1);
  });
}

/**
 * Generates NEXTAUTH_SECRET and ENCRYPTION_KEY once for a local install and keeps them in
 * .data/ across restarts (losing ENCRYPTION_KEY would make stored channel tokens unreadable).
 */
function ensureLocalSecrets(dataRoot: string) {
  if (process.env.NEXTAUTH_SECRET && process.env.ENCRYPTION_KEY) return;
  mkdirSync(dataRoot, { recursive: true });
  const file = path.join(dataRoot, "secrets.json");
  let secrets: Record<string, string> = {};
  if (existsSync(file)) secrets = JSON.parse(readFileSync(file, "utf8")) as Record<string, string>;
  const generated = {
    NEXTAUTH_SECRET: () => randomBytes(32).toString("base64url"),
    ENCRYPTION_KEY: () => randomBytes(32).toString("base64"),
  };
  let changed = false;
  for (const [name, make] of Object.entries(generated)) {
    if (process.env[name] || secrets[name]) continue;
    secrets[name] = make();
    changed = true;
    log(`generated a local ${name} in .data/secrets.json (set your own in production)`);
  }
  if (changed) writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  for (const [key, value] of Object.entries(secrets)) process.env[key] ??= value;
}

/** A build is needed when there is none, or when a source file is newer than it. */
function needsBuild() {
  const buildId = path.join(root, process.env.NEXT_DIST_DIR ?? ".next", "BUILD_ID");
  if (!existsSync(buildId)) return true;
  const builtAt = statSync(buildId).mtimeMs;
  const sources = ["app", "components", "lib", "public", "next.config.ts", "package.json", "postcss.config.mjs", "prisma/schema.prisma", "instrumentation.ts"];
  return sources.some((source) => newerThan(path.join(root, source), builtAt));
}

function newerThan(target: string, time: number): boolean {
  if (!existsSync(target)) return false;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs > time;
  return readdirSync(target).some((entry) => entry !== "generated" && newerThan(path.join(target, entry), time));
}

function run(command: string, args: string[]) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { stdio: "inherit", env: process.env, cwd: root });
    server = child;
    child.on("exit", (code, signal) => {
      server = null;
      if (code === 0) resolve();
      else reject(new Error(`${path.basename(command)} ${args.join(" ")} failed (${signal ?? `exit ${code}`})`));
    });
  });
}

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  const child = server;
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    // The server drains requests (3 s) and job workers (JOBS_SHUTDOWN_TIMEOUT_SECONDS, 10) first.
    const timer = setTimeout(() => child.kill("SIGKILL"), 25_000);
    await exited;
    clearTimeout(timer);
  }
  // The database closes last, after everything that writes to it has stopped.
  if (embedded) {
    log("closing the embedded database");
    await embedded.stop();
  }
  process.exit(code);
}

function log(message: string) {
  console.log(`[switchboard] ${message}`);
}

for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void shutdown(0));

main().catch(async (error: Error) => {
  console.error(`[switchboard] ${error.message}`);
  await shutdown(1);
});
