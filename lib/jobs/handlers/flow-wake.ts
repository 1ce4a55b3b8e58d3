import "server-only";
import { z } from "zod";
import { wakeFlowSession } from "@/lib/flows/runner/wake-flow-session";
import { logger } from "@/lib/logger";

/** What an HTTP block asks for (the engine's HttpRequestSpec, rendered when the block ran). */
const httpRequestSchema = z.object({
  method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]),
  url: z.string().min(1).max(4000),
  headers: z.record(z.string(), z.string()),
  body: z.string().nullable(),
  timeoutMs: z.number().int().positive(),
});

/**
 * A session's durable wake-up: a delay ending, a question timing out, or an HTTP block to
 * perform. `at` is the time the engine scheduled (the session's state names it): a wake-up for
 * another time or block is stale and ignored.
 */
export const flowWakePayload = z.object({
  workspaceId: z.string().min(1),
  sessionId: z.string().min(1),
  blockId: z.string().min(1),
  kind: z.enum(["delay", "timeout", "http"]),
  at: z.iso.datetime(),
  request: httpRequestSchema.optional(),
});

export type FlowWakePayload = z.infer<typeof flowWakePayload>;

/**
 * Job: wake a waiting flow session (lib/flows/runner/wake-flow-session.ts). Idempotent by its
 * receipt (wake:session:block:kind:at); a cancelled wake-up finds its receipt taken. Database
 * errors throw (retry); an invalid payload is dropped.
 */
export async function handleFlowWake(data: unknown) {
  const payload = flowWakePayload.safeParse(data);
  if (!payload.success) {
    logger.warn({ issues: payload.error.issues.length }, "flow wake-up with an invalid payload dropped");
    return { skipped: "invalid_payload" };
  }
  return wakeFlowSession(payload.data);
}
