// Integration global setup: one real database for the whole run. Embedded PGlite (in memory)
// by default; the PostgreSQL server named by TEST_DATABASE_URL when set. Migrations are applied
// with the real CLI (`prisma migrate deploy`) so a migration that does not apply fails the run.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "@/lib/db/embedded";
import { TEST_BASE_URL, TEST_ENCRYPTION_KEY, TEST_NEXTAUTH_SECRET, type TestEnv } from "./test-env";

export default async function setup(project: TestProject) {
  const started = Date.now();
  let embedded: EmbeddedDatabase | null = null;
  let databaseUrl = process.env.TEST_DATABASE_URL;
  if (!databaseUrl) {
    embedded = await startEmbeddedDatabase({ dataDir: "memory://" });
    databaseUrl = embedded.url;
  }

  const env: TestEnv = {
    DATABASE_URL: databaseUrl,
    // Small pools: several workers share one server (the embedded one accepts 64 connections).
    DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE ?? "3",
    NEXTAUTH_SECRET: TEST_NEXTAUTH_SECRET,
    NEXTAUTH_URL: TEST_BASE_URL,
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    LOG_LEVEL: process.env.LOG_LEVEL ?? "silent",
  };

  const root = project.config.root;
  // Asynchronous on purpose: the embedded database lives in this process, so a blocking
  // spawnSync would starve it and the CLI would wait forever.
  const migrate = await run(path.join(root, "node_modules", ".bin", "prisma"), ["migrate", "deploy"], {
    cwd: root,
    env: { ...process.env, ...env },
    timeoutMs: 120_000,
  });
  if (migrate.code !== 0) {
    await embedded?.stop();
    throw new Error(`prisma migrate deploy failed (${migrate.code}):\n${migrate.output}`);
  }

  // `migrate deploy` does not notice a migration edited after it was applied; a reused
  // TEST_DATABASE_URL would then silently lack the edit. Refuse that state with a clear message.
  const edited = await editedMigrations(root, databaseUrl);
  if (edited.length > 0) {
    await embedded?.stop();
    throw new Error(
      `These migrations were changed after they were applied to ${redact(databaseUrl)}: ${edited.join(", ")}.\n` +
        "Add a new migration instead of editing an applied one, or point TEST_DATABASE_URL at a fresh database.",
    );
  }

  // Both channels: `provide` is what workers read (integration-setup.ts); process.env also
  // carries the values to workers forked after this point.
  Object.assign(process.env, env);
  project.provide("testEnv", env);
  console.log(
    `[global-setup] ${embedded ? "embedded PGlite" : "TEST_DATABASE_URL"} ready and migrated in ${Date.now() - started} ms`,
  );

  return async () => {
    await embedded?.stop();
  };
}

type RunOptions = { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number };

// Printed by `prisma migrate deploy` after the last migration is recorded as finished.
const MIGRATE_DONE = /All migrations have been successfully applied|No pending migrations to apply/;
const LINGER_GRACE_MS = 1000;

function run(command: string, args: string[], { cwd, env, timeoutMs }: RunOptions) {
  return new Promise<{ code: number | string; output: string }>((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    let done = false;
    let grace: NodeJS.Timeout | undefined;
    child.stdout.on("data", (chunk) => {
      output += chunk;
      // The CLI lingers ~10 s after its work (an idle pg pool from prisma.config.ts and a
      // timer of its own keep it alive). Once it reports success, give it a moment to exit by
      // itself, then end it: every migration is already recorded in _prisma_migrations.
      if (!done && MIGRATE_DONE.test(output)) {
        done = true;
        grace = setTimeout(() => child.kill("SIGTERM"), LINGER_GRACE_MS);
      }
    });
    child.stderr.on("data", (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      clearTimeout(grace);
      resolve({ code: error.message, output });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      clearTimeout(grace);
      resolve({ code: code ?? (done && signal === "SIGTERM" ? 0 : `signal ${signal}`), output });
    });
  });
}

/** Applied migrations whose migration.sql no longer matches the checksum Prisma recorded. */
async function editedMigrations(root: string, databaseUrl: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ migration_name: string; checksum: string }>(
      `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    return rows
      .filter(({ migration_name, checksum }) => {
        const file = path.join(root, "prisma", "migrations", migration_name, "migration.sql");
        try {
          return createHash("sha256").update(readFileSync(file)).digest("hex") !== checksum;
        } catch {
          return false; // applied from another branch; not ours to judge
        }
      })
      .map((row) => row.migration_name);
  } finally {
    await client.end();
  }
}

function redact(url: string) {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
}
