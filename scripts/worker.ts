// `npm run worker`: job workers without the web server, for running M workers on other
// machines against the same PostgreSQL (pg-boss coordinates them with SKIP LOCKED).
import { getEnv } from "../lib/env";
import { startWorkers, stopWorkers } from "../lib/jobs/start-workers";
import { logger } from "../lib/logger";
import { jobsShutdownTimeoutMs, onShutdownSignal } from "../lib/ops/on-shutdown-signal";

getEnv();
// Before starting: a stop requested during start-up still releases whatever was fetched.
const timeoutMs = jobsShutdownTimeoutMs();
onShutdownSignal({ name: "worker", stop: () => stopWorkers({ timeoutMs }), timeoutMs: timeoutMs + 5000 });
await startWorkers();
logger.info("worker running; Ctrl-C to stop");
