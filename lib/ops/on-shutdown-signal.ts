import { logger } from "@/lib/logger";

// No "server-only" here: scripts/server.ts (plain node, outside Next's bundles) uses it too.

export type OnShutdownSignalOptions = {
  /** What this process is, for the log lines ("worker", "web server"). */
  name: string;
  /** Stops the process's work; the process exits when it settles. */
  stop: (signal: NodeJS.Signals) => Promise<void>;
  /** Exit anyway after this long (then with code 1): a supervisor's SIGKILL is coming regardless. */
  timeoutMs: number;
};

/**
 * On the first SIGTERM or SIGINT runs `stop` once, then exits (0 when it finished in time, 1
 * when it failed or timed out). Later signals change nothing: one stop often arrives twice (a
 * Ctrl-C or a supervisor signals the whole process group, and `npm start` forwards it too), and
 * the timeout bounds the wait anyway.
 */
export function onShutdownSignal({ name, stop, timeoutMs }: OnShutdownSignalOptions): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, timeoutMs }, `${name}: stopping`);
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, `${name}: did not stop in time, exiting`);
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    stop(signal).then(
      () => {
        logger.info(`${name}: stopped`);
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: { message: error instanceof Error ? error.message : String(error) } }, `${name}: error while stopping`);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", handle);
  process.on("SIGINT", handle);
}

/** How long job workers may finish what they hold when the process is told to stop (JOBS_SHUTDOWN_TIMEOUT_SECONDS, default 10). */
export function jobsShutdownTimeoutMs(): number {
  const seconds = Number(process.env.JOBS_SHUTDOWN_TIMEOUT_SECONDS ?? 10);
  return Number.isFinite(seconds) && seconds >= 1 ? seconds * 1000 : 10_000;
}
