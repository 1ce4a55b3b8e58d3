import { existsSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { runSync, startProcess, waitForHttp, type Tracked } from "./processes";

// The production build `npm run bench:inbox` measures, in its OWN folder (.next-bench-inbox):
// bench:webhooks builds and serves .next-bench, possibly at the same time, and nobody's `.next`
// is touched. Same logic as bench/lib/app-server.ts (copied, not shared, so either benchmark can
// change without the other), with the folder as a constant of its own.

export const INBOX_DIST_DIR = ".next-bench-inbox";
const BUILT_AT_FILE = "BENCH_SOURCES_AT";
const SOURCES = ["app", "components", "lib", "public", "next.config.ts", "package.json", "postcss.config.mjs", "prisma/schema.prisma", "instrumentation.ts"];

export type InboxBuildOptions = { root: string; mode: "auto" | "always" | "never"; log: (message: string) => void };

/**
 * Builds the app into .next-bench-inbox when missing, stale or asked to; returns a description of
 * the build in use. `next build` with a non-default distDir adds that folder's types to
 * tsconfig.json's "include": tsconfig.json is restored byte for byte right after the build.
 */
export function ensureInboxBuild({ root, mode, log }: InboxBuildOptions): string {
  const distDir = path.join(root, INBOX_DIST_DIR);
  const buildId = path.join(distDir, "BUILD_ID");
  const stale = !existsSync(buildId) || sourcesNewerThan(root, builtAt(distDir));
  if (mode === "never" && !existsSync(buildId)) throw new Error(`BENCH_INBOX_BUILD=never but there is no build in ${INBOX_DIST_DIR}`);
  let note = "";
  if (mode === "always" || (mode === "auto" && stale)) {
    log(`building the app into ${INBOX_DIST_DIR} (next build; a few minutes on a busy machine)`);
    const startedAt = Date.now();
    const tsconfig = path.join(root, "tsconfig.json");
    const tsconfigBefore = readFileSync(tsconfig);
    const next = (args: string[]) =>
      runSync(path.join(root, "node_modules", ".bin", "next"), ["build", ...args], {
        cwd: root,
        env: {
          ...process.env,
          NODE_ENV: "production",
          NEXT_DIST_DIR: INBOX_DIST_DIR,
          NEXT_TELEMETRY_DISABLED: "1",
          // Page-data collection imports lib/db/client, which needs a URL (never connected).
          DATABASE_URL: "postgresql://bench@127.0.0.1:9/bench",
        },
      });
    try {
      try {
        next([]);
      } catch (error) {
        const message = (error as Error).message;
        if (!message.includes("Failed to type check")) throw error;
        // What is measured is the runtime: a type error elsewhere (files someone is editing)
        // must not block the run. Build without the type check, and say so in the results.
        const firstError = /\n(\S+\(\d+,\d+\): error TS\d+)/.exec(message)?.[1] ?? "type errors";
        log(`next build failed its type check (${firstError}); building again without it (--experimental-build-mode compile, then generate)`);
        next(["--experimental-build-mode", "compile"]);
        next(["--experimental-build-mode", "generate"]);
        note = `, built WITHOUT type checking (the tree did not type-check: ${firstError})`;
      }
    } finally {
      if (!readFileSync(tsconfig).equals(tsconfigBefore)) writeFileSync(tsconfig, tsconfigBefore);
    }
    writeFileSync(path.join(distDir, BUILT_AT_FILE), String(startedAt));
    const noteFile = path.join(distDir, "BENCH_BUILD_NOTE");
    writeFileSync(noteFile, note);
    log(`built in ${Math.round((Date.now() - startedAt) / 1000)} s${note}`);
  } else if (stale) {
    log(`using the existing build in ${INBOX_DIST_DIR} although sources changed since (BENCH_INBOX_BUILD=${mode})`);
  }
  const marker = path.join(distDir, BUILT_AT_FILE);
  if (!existsSync(marker)) writeFileSync(marker, String(builtAt(distDir)));
  const at = new Date(builtAt(distDir)).toISOString();
  const noteFile = path.join(distDir, "BENCH_BUILD_NOTE");
  return `${INBOX_DIST_DIR}, built from the sources of ${at}${existsSync(noteFile) ? readFileSync(noteFile, "utf8") : ""}`;
}

/**
 * Removes the build. The repository's ESLint config ignores `.next/**` but not the other `.next-*`
 * folders, so a build left behind would be linted by `npm run lint` (thousands of bundle errors).
 */
export function removeInboxBuild(root: string) {
  rmSync(path.join(root, INBOX_DIST_DIR), { recursive: true, force: true });
}

/** Whether the build in use contains a route (e.g. app/api/inbox/changes): its compiled handler exists. */
export function buildHasRoute(root: string, route: string): boolean {
  return existsSync(path.join(root, INBOX_DIST_DIR, "server", "app", route, "route.js"));
}

function builtAt(distDir: string): number {
  const marker = path.join(distDir, BUILT_AT_FILE);
  if (existsSync(marker)) return Number(readFileSync(marker, "utf8"));
  const buildId = path.join(distDir, "BUILD_ID");
  return existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
}

function sourcesNewerThan(root: string, time: number) {
  return SOURCES.some((source) => newerThan(path.join(root, source), time));
}

function newerThan(target: string, time: number): boolean {
  if (!existsSync(target)) return false;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs > time;
  return readdirSync(target).some((entry) => entry !== "generated" && newerThan(path.join(target, entry), time));
}

export type StartInboxAppOptions = { root: string; name: string; port: number; env: NodeJS.ProcessEnv; logFile: string };

export type InboxAppServer = { process: Tracked; baseUrl: string };

/**
 * Starts the app as deployed: `npm start` (scripts/start.ts: embedded database when DATABASE_URL
 * is unset, migrations, then `next start`) on the build in .next-bench-inbox. start.ts rebuilds
 * when a source is newer than BUILD_ID, and other people edit the sources during a run: BUILD_ID
 * is dated an hour ahead until the server answers, then given its real time back.
 */
export async function startInboxApp({ root, name, port, env, logFile }: StartInboxAppOptions): Promise<InboxAppServer> {
  const distDir = path.join(root, INBOX_DIST_DIR);
  const buildId = path.join(distDir, "BUILD_ID");
  const realTime = new Date(builtAt(distDir));
  const ahead = new Date(Date.now() + 3600_000);
  utimesSync(buildId, ahead, ahead);
  const child = startProcess({
    name,
    // node --import tsx (not the tsx CLI): the pid is start.ts itself, which also hosts the embedded database.
    command: process.execPath,
    args: ["--import", "tsx", "scripts/start.ts"],
    env: { ...env, PORT: String(port), NEXT_DIST_DIR: INBOX_DIST_DIR, NEXT_TELEMETRY_DISABLED: "1" },
    cwd: root,
    logFile,
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp({ url: `${baseUrl}/api/health`, timeoutMs: 240_000, process: child });
  } finally {
    utimesSync(buildId, realTime, realTime);
  }
  return { process: child, baseUrl };
}
