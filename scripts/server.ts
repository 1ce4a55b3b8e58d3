// The web server of `npm start` (scripts/start.ts runs it): Next.js through its custom-server API
// (`next({ dev: false }).getRequestHandler()`), except webhook deliveries (POST
// /api/webhooks/...), which are served straight from node:http by the app's own endpoint code
// (lib/webhooks/handle-node-webhook.ts, the same code the route handlers run). Why: the
// acknowledgement is the hottest path there is, and on the benchmark machine Next.js's routing
// and Request/Response adaptation alone held it far below the target (README "Architecture",
// bench/RESULTS.md). The inbox's 3-second poll (GET /api/inbox/changes) is served the same way
// for the same reason (lib/inbox/poll/handle-node-poll.ts). Everything else, including GET on the
// webhook URLs, goes to Next.js; `next dev` and Vercel keep using the route handlers.
//
// On SIGTERM/SIGINT: stop accepting connections, let requests in flight finish (a few seconds at
// most), then stop the job workers gracefully (lib/jobs: in-flight jobs finish or are released,
// never left 'active' until their expiry), then exit.
import { createServer, type Server } from "node:http";
import path from "node:path";
import { getServerHooks } from "../lib/ops/server-hooks";
import { jobsShutdownTimeoutMs, onShutdownSignal } from "../lib/ops/on-shutdown-signal";

const root = path.resolve(import.meta.dirname, "..");
const port = Number(process.env.PORT ?? 3000);
/** Requests in flight get this long after a stop signal; an acknowledgement takes milliseconds. */
const REQUEST_DRAIN_MS = 3000;

const jobsTimeoutMs = jobsShutdownTimeoutMs();
let server: Server | null = null;
let closeNext: (() => Promise<void>) | null = null;
onShutdownSignal({
  name: "web server",
  timeoutMs: REQUEST_DRAIN_MS + jobsTimeoutMs + 3000,
  stop: async () => {
    if (server) await closeServer(server);
    await getServerHooks()?.stop({ timeoutMs: jobsTimeoutMs });
    await closeNext?.();
  },
});

const { default: next } = await import("next");
const app = next({ dev: false, dir: root, port });
const handle = app.getRequestHandler();
await app.prepare();
closeNext = () => app.close();

server = createServer((req, res) => {
  // Published by instrumentation.ts, which Next.js runs on its first request in production;
  // until then the route handlers take the deliveries.
  const hooks = getServerHooks();
  if (hooks?.handleWebhook(req, res)) return;
  if (hooks?.handleInboxPoll(req, res)) return;
  void handle(req, res);
});
// A port already taken (another instance) must stop `npm start` with the reason, not leave a
// process that never serves (Next.js would only log the uncaught error).
server.once("error", (error) => {
  console.error(`[server] cannot listen on port ${port}: ${error.message}`);
  process.exit(1);
});
server.listen(port, () => {
  console.log(`[server] ready on port ${port}`);
  // A first request now, so instrumentation.ts runs at start-up (environment check, job workers,
  // the hooks above) rather than on whatever request comes first.
  fetch(`http://127.0.0.1:${port}/api/health`).then(
    (res) => void res.body?.cancel(),
    (error: Error) => console.warn(`[server] start-up request failed: ${error.message}`),
  );
});

function closeServer(target: Server) {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      target.closeAllConnections();
      resolve();
    }, REQUEST_DRAIN_MS);
    target.close(() => {
      clearTimeout(timer);
      resolve();
    });
    target.closeIdleConnections();
  });
}
