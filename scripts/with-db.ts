// Runs a command with DATABASE_URL pointing at the embedded database (started here) unless
// DATABASE_URL is already set. Used for Prisma CLI work: `npm run db -- prisma migrate dev`.
import { spawn } from "node:child_process";
import { startEmbeddedDatabase } from "../lib/db/embedded";

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error("usage: tsx scripts/with-db.ts <command> [args...]");
  process.exit(2);
}

const embedded = process.env.DATABASE_URL
  ? null
  : await startEmbeddedDatabase({ dataDir: process.env.EMBEDDED_DB_DIR ?? ".data/pglite" });
const env = { ...process.env, DATABASE_URL: process.env.DATABASE_URL ?? embedded!.url };
const child = spawn(command, args, { stdio: "inherit", env, shell: process.platform === "win32" });
const code: number = await new Promise((resolve) => child.on("exit", (c) => resolve(c ?? 1)));
await embedded?.stop();
process.exit(code);
