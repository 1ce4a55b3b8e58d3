// `npm run worker`: job workers without the web server, for running M workers on other
// machines against the same PostgreSQL (pg-boss coordinates them with SKIP LOCKED).
import { getEnv } from "../lib/env";
import { startWorkers, stopWorkers } from "../lib/jobs/start-workers";
import { logger } from "../lib/logger";

getEnv();
await startWorkers();
logger.info("worker running; Ctrl-C to stop");

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    logger.info({ signal }, "stopping worker");
    void stopWorkers().finally(() => process.exit(0));
  });
}
