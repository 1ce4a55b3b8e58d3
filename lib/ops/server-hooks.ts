import type { IncomingMessage, ServerResponse } from "node:http";

// What the app inside Next.js's bundle offers the process that hosts it (scripts/server.ts, the
// web server of `npm start`): instrumentation.ts publishes these on globalThis when Next.js
// starts, so the host uses the very code Next.js compiled (one module graph: one pg pool, one
// pg-boss) instead of loading lib/ a second time. No "server-only" here: the host imports it.

export type ServerHooks = {
  /** Serves the request if it is a webhook delivery (true); false: not one, pass it on. */
  handleWebhook: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Serves the request if it is an inbox poll (GET /api/inbox/changes); false: pass it on. */
  handleInboxPoll: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Stops the job workers and pg-boss: jobs in flight finish within timeoutMs or are released. */
  stop: (options: { timeoutMs: number }) => Promise<void>;
};

const KEY = Symbol.for("switchboard.serverHooks");
const registry = globalThis as unknown as Record<symbol, ServerHooks | undefined>;

export function publishServerHooks(hooks: ServerHooks): void {
  registry[KEY] = hooks;
}

/** The hooks instrumentation.ts published; null before Next.js has started (or without it). */
export function getServerHooks(): ServerHooks | null {
  return registry[KEY] ?? null;
}
