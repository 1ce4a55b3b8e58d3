import "server-only";
import { stopWorkers } from "@/lib/jobs/start-workers";
import { handleNodePoll } from "@/lib/inbox/poll/handle-node-poll";
import { handleNodeWebhook } from "@/lib/webhooks/handle-node-webhook";
import { jobsShutdownTimeoutMs, onShutdownSignal } from "./on-shutdown-signal";
import { publishServerHooks } from "./server-hooks";

/**
 * Called once by instrumentation.ts when the server starts. Publishes the hooks scripts/server.ts
 * (`npm start`) uses. Under a plain `next start` nothing stops the job workers on SIGTERM (Next.js
 * exits by itself): there, set NEXT_MANUAL_SIG_HANDLE=true (Next.js then leaves the signals to the
 * app) and this stops them gracefully, then exits.
 */
export function registerServerHooks(): void {
  publishServerHooks({ handleWebhook: handleNodeWebhook, handleInboxPoll: handleNodePoll, stop: ({ timeoutMs }) => stopWorkers({ timeoutMs }) });
  if (process.env.NEXT_MANUAL_SIG_HANDLE) {
    const timeoutMs = jobsShutdownTimeoutMs();
    onShutdownSignal({ name: "next server", stop: () => stopWorkers({ timeoutMs }), timeoutMs: timeoutMs + 5000 });
  }
}
