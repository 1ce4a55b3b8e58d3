import { existsSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { runSync, startProcess, waitForHttp, type Tracked } from "./processes";

// The production build under test lives in its own folder (NEXT_DIST_DIR=.next-bench), so the
// benchmark never touches the `.next` other people build and serve.

export const BENCH_DIST_DIR = ".next-bench";
const BUILT_AT_FILE = "BENCH_SOURCES_AT";
const SOURCES = ["app", "components", "lib", "public", "next.config.ts", "package.json", "postcss.config.mjs", "prisma/schema.prisma", "instrumentation.ts"];

export type BuildMode = "auto" | "always" | "never";

export type EnsureBuildOptions = { root: string; mode: BuildMode; log: (message: string) => void; /** Default BENCH_DIST_DIR. */ distDir?: string };

/**
 * Builds the app into .next-bench when missing, stale or asked to. Returns a description of the
 * build in use. Note: `next build` with a non-default distDir adds that folder's types to
 * tsconfig.json's "include"; tsconfig.json is restored byte for byte afterwards.
 */
export function ensureBuild({ root, mode, log, distDir: distDirName = BENCH_DIST_DIR }: EnsureBuildOptions): string {
  const BENCH_DIST_DIR = distDirName;
  const distDir = path.join(root, BENCH_DIST_DIR);
  const buildId = path.join(distDir, "BUILD_ID");
  const stale = !existsSync(buildId) || sourcesNewerThan(root, builtAt(distDir));
  if (mode === "never" && !existsSync(buildId)) throw new Error(`BENCH_BUILD=never but there is no build in ${BENCH_DIST_DIR}`);
  let note = "";
  if (mode === "always" || (mode === "auto" && stale)) {
    log(`building the app into ${BENCH_DIST_DIR} (next build; a few minutes on a busy machine)`);
    const startedAt = Date.now();
    const tsconfig = path.join(root, "tsconfig.json");
    const tsconfigBefore = readFileSync(tsconfig);
    const next = (args: string[]) =>
      runSync(path.join(root, "node_modules", ".bin", "next"), ["build", ...args], {
        cwd: root,
        env: {
          ...process.env,
          NODE_ENV: "production",
          NEXT_DIST_DIR: BENCH_DIST_DIR,
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
        // The runtime is what is measured: a type error elsewhere (tests being edited by
        // someone else) must not block the run. Build without the type check, and say so.
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
    // Always written: a note left by an earlier build without type checking must not stick.
    writeFileSync(path.join(distDir, "BENCH_BUILD_NOTE"), note);
    log(`built in ${Math.round((Date.now() - startedAt) / 1000)} s${note}`);
  } else if (stale) {
    log(`using the existing build in ${BENCH_DIST_DIR} although sources changed since (BENCH_BUILD=${mode})`);
  }
  // Pin the build's source time before startApp() touches BUILD_ID (see there).
  const marker = path.join(distDir, BUILT_AT_FILE);
  if (!existsSync(marker)) writeFileSync(marker, String(builtAt(distDir)));
  const at = new Date(builtAt(distDir)).toISOString();
  const noteFile = path.join(distDir, "BENCH_BUILD_NOTE");
  return `${BENCH_DIST_DIR}, built from the sources of ${at}${existsSync(noteFile) ? readFileSync(noteFile, "utf8") : ""}`;
}

/**
 * Removes a build. The repository's ESLint config ignores `.next/**` but not the other `.next-*`
 * folders, so a build left behind would be linted by `npm run lint` (thousands of bundle errors).
 */
export function removeBuild({ root, distDir }: { root: string; distDir: string }) {
  rmSync(path.join(root, distDir), { recursive: true, force: true });
}

/** Whether a build contains a route (e.g. api/inbox/changes): its compiled handler exists. */
export function buildHasRoute({ root, distDir, route }: { root: string; distDir: string; route: string }): boolean {
  return existsSync(path.join(root, distDir, "server", "app", route, "route.js"));
}

/** When the sources of the build in distDir were taken (the build's start). */
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

export type StartAppOptions = {
  root: string;
  name: string;
  port: number;
  env: NodeJS.ProcessEnv;
  logFile: string;
  /** Default BENCH_DIST_DIR. */
  distDir?: string;
};

export type AppServer = { process: Tracked; baseUrl: string };

/**
 * Starts the app as deployed: `npm start` (scripts/start.ts: embedded database when
 * DATABASE_URL is unset, migrations, then `next start`) on the build ensureBuild() pinned.
 */
export async function startApp({ root, name, port, env, logFile, distDir: distDirName = BENCH_DIST_DIR }: StartAppOptions): Promise<AppServer> {
  const BENCH_DIST_DIR = distDirName;
  const distDir = path.join(root, BENCH_DIST_DIR);
  const buildId = path.join(distDir, "BUILD_ID");
  // start.ts rebuilds when any source is newer than BUILD_ID. Other people edit the sources
  // while a run goes on (even during the seconds start.ts spends on migrations), so BUILD_ID is
  // dated an hour ahead until the server is up, then given its real time back.
  const realTime = new Date(builtAt(distDir));
  const ahead = new Date(Date.now() + 3600_000);
  utimesSync(buildId, ahead, ahead);
  const child = startProcess({
    name,
    // node --import tsx rather than the tsx CLI: no wrapper process, so the pid is start.ts
    // itself (which also runs the embedded database).
    command: process.execPath,
    args: ["--import", "tsx", "scripts/start.ts"],
    env: { ...env, PORT: String(port), NEXT_DIST_DIR: BENCH_DIST_DIR, NEXT_TELEMETRY_DISABLED: "1" },
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
