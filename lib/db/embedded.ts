import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PgliteMultiplexer } from "./pglite-multiplexer";
import { EMBEDDED_APPLICATION_NAME } from "./embedded-url";

export type EmbeddedDatabase = {
  url: string;
  port: number;
  stop: () => Promise<void>;
};

export type StartEmbeddedDatabaseOptions = {
  /** Folder for the data files; "memory://" keeps everything in memory (tests). */
  dataDir: string;
  /** 0 lets the OS pick a free loopback port. */
  port?: number;
  /** How many client connections the multiplexer accepts (Prisma pool + pg-boss + CLI). */
  maxConnections?: number;
};

/**
 * Starts PGlite (PostgreSQL in WASM) behind a loopback socket server so that `pg`, Prisma and
 * pg-boss talk to it exactly as to a real PostgreSQL server. The data directory is locked by a
 * pid file: two processes writing one PGlite directory would corrupt it.
 * Throws when the directory is already in use by a live process.
 */
export async function startEmbeddedDatabase({
  dataDir,
  port = 0,
  maxConnections = 64,
}: StartEmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const inMemory = dataDir.startsWith("memory://");
  const lockFile = inMemory ? null : `${path.resolve(dataDir)}.lock`;
  if (lockFile) {
    mkdirSync(path.dirname(lockFile), { recursive: true });
    acquireLock(lockFile);
  }
  try {
    const db = await PGlite.create(inMemory ? dataDir : path.resolve(dataDir));
    const server = new PgliteMultiplexer({ db, host: "127.0.0.1", port, maxConnections });
    await server.start();
    const actualPort = server.port;
    let stopped = false;
    return {
      port: actualPort,
      url: `postgresql://postgres:postgres@127.0.0.1:${actualPort}/postgres?sslmode=disable&application_name=${EMBEDDED_APPLICATION_NAME}`,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await server.stop();
        // close() checkpoints and flushes; a second start then finds a clean directory.
        await db.close();
        if (lockFile) rmSync(lockFile, { force: true });
      },
    };
  } catch (error) {
    if (lockFile) rmSync(lockFile, { force: true });
    throw error;
  }
}

function acquireLock(lockFile: string) {
  try {
    writeFileSync(lockFile, String(process.pid), { flag: "wx" });
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const holder = Number(readFileSync(lockFile, "utf8").trim());
  if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
    throw new Error(
      `The embedded database in ${path.dirname(lockFile)} is in use by process ${holder}. ` +
        "Stop that Switchboard instance first, or set DATABASE_URL to use a PostgreSQL server.",
    );
  }
  // A stale lock from a process that no longer exists (killed with SIGKILL): take it over.
  writeFileSync(lockFile, String(process.pid));
}

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
