// Runs once when the Next.js server boots: a bad configuration stops it here, with every
// missing or invalid variable named, instead of failing later on a request. Then the job
// workers start inside this server (set RUN_WORKERS=false to run them only as `npm run worker`).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  const { getEnv } = await import("./lib/env");
  getEnv();
  if (process.env.RUN_WORKERS === "false") return;
  const { startWorkersWithRetry } = await import("./lib/jobs/start-workers-with-retry");
  startWorkersWithRetry();
}
