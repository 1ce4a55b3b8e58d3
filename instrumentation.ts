// Runs once when the Next.js server boots: a bad configuration stops it here, with every
// missing or invalid variable named, instead of failing later on a request. Then the hooks of
// `npm start`'s web server are published, and the job workers start inside this server (set
// RUN_WORKERS=false to run them only as `npm run worker`).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  const { getEnv } = await import("./lib/env");
  getEnv();
  const { registerServerHooks } = await import("./lib/ops/register-server-hooks");
  registerServerHooks();
  if (process.env.RUN_WORKERS === "false") return;
  const { startWorkersWithRetry } = await import("./lib/jobs/start-workers-with-retry");
  startWorkersWithRetry();
}
