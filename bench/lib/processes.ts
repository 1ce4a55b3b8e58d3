import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from "node:child_process";
import { createWriteStream, readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";

// Child processes of one benchmark run. Every process is started in its own process group so
// that stopping it also stops what it started (next start → next-server), and only processes
// this run started are ever signalled.

export type Tracked = { name: string; child: ChildProcess; logFile: string; exited: Promise<number | null> };

const tracked = new Set<Tracked>();
const cleanups: (() => void | Promise<void>)[] = [];

export type StartProcessOptions = {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** stdout and stderr go here (the console stays readable; the file is kept for a failed run). */
  logFile: string;
};

export function startProcess({ name, command, args, env, cwd, logFile }: StartProcessOptions): Tracked {
  const log = createWriteStream(logFile, { flags: "a" });
  const options: SpawnOptions = { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] };
  const child = spawn(command, args, options);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const entry: Tracked = { name, child, logFile, exited };
  tracked.add(entry);
  void exited.then(() => tracked.delete(entry));
  return entry;
}

/** SIGTERM to the process group, SIGKILL after graceMs. Resolves when the leader has exited. */
export async function stopProcess(entry: Tracked, graceMs = 20_000): Promise<void> {
  const { child } = entry;
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  signalGroup(child.pid, "SIGTERM");
  const timer = setTimeout(() => signalGroup(child.pid!, "SIGKILL"), graceMs);
  await entry.exited;
  clearTimeout(timer);
  // Anything the leader left behind in its group (it should have stopped it) goes too.
  signalGroup(child.pid, "SIGKILL");
}

function signalGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

/** Registers a cleanup to run (last registered first) at the end of the run or on Ctrl-C. */
export function onCleanup(fn: () => void | Promise<void>) {
  cleanups.push(fn);
}

let cleaning: Promise<void> | null = null;

/** Stops every tracked process, then runs the registered cleanups. Idempotent. */
export function cleanupAll(): Promise<void> {
  cleaning ??= (async () => {
    await Promise.all([...tracked].map((entry) => stopProcess(entry)));
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (error) {
        console.error(`[bench] cleanup failed: ${(error as Error).message}`);
      }
    }
  })();
  return cleaning;
}

/** A free loopback TCP port (closed again before it is returned). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export type WaitForHttpOptions = { url: string; timeoutMs: number; process?: Tracked };

/** Polls url until it answers 200; throws on timeout or when the watched process exits. */
export async function waitForHttp({ url, timeoutMs, process: watched }: WaitForHttpOptions): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (watched && (watched.child.exitCode !== null || watched.child.signalCode !== null)) {
      throw new Error(`${watched.name} exited before ${url} answered; see ${watched.logFile}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${Math.round(timeoutMs / 1000)} s`);
    await sleep(500);
  }
}

export function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs a command to completion; throws with its output when it fails. */
export function runSync(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const result = spawnSync(command, args, { cwd: options.cwd, env: options.env ?? process.env, encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed (${result.signal ?? `exit ${result.status}`}):\n${result.stdout}${result.stderr}`);
  }
  return result.stdout;
}

// ---------------------------------------------------------------------------------------------
// CPU accounting from /proc: where the cores went during a phase (load generator, app, database).

const CLOCK_TICKS = 100; // USER_HZ on Linux

type ProcStat = { pid: number; ppid: number; ticks: number };

function readStats(): Map<number, ProcStat> {
  const stats = new Map<number, ProcStat>();
  let entries: string[] = [];
  try {
    entries = readdirSync("/proc");
  } catch {
    return stats;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, "utf8");
      // The command name is in parentheses and may contain spaces: fields start after the last ')'.
      const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
      const ppid = Number(fields[1]);
      const ticks = Number(fields[11]) + Number(fields[12]);
      stats.set(Number(entry), { pid: Number(entry), ppid, ticks });
    } catch {
      // The process exited while we were reading.
    }
  }
  return stats;
}

/** CPU seconds used so far by pid and its live descendants (or by pid alone). */
export function cpuSecondsOf(pid: number, { withDescendants = true } = {}): number {
  const stats = readStats();
  if (!withDescendants) return (stats.get(pid)?.ticks ?? 0) / CLOCK_TICKS;
  const children = new Map<number, number[]>();
  for (const stat of stats.values()) {
    const list = children.get(stat.ppid) ?? [];
    list.push(stat.pid);
    children.set(stat.ppid, list);
  }
  let ticks = 0;
  const stack = [pid];
  while (stack.length) {
    const current = stack.pop()!;
    ticks += stats.get(current)?.ticks ?? 0;
    stack.push(...(children.get(current) ?? []));
  }
  return ticks / CLOCK_TICKS;
}

export type CpuProbe = { label: string; read: () => number };

/** Samples several probes now; call the result again to get CPU seconds used since. */
export function startCpuMeter(probes: CpuProbe[]): () => Record<string, number> {
  const before = probes.map((probe) => probe.read());
  return () => Object.fromEntries(probes.map((probe, i) => [probe.label, Math.max(0, probe.read() - before[i])]));
}

export function selfCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}
