import "server-only";
import { z } from "zod";
import { getPgPool, withPgTransaction } from "@/lib/db/pg";
import { getEnv } from "@/lib/env";
import type { EngineEvent } from "@/lib/flows/engine/engine-types";
import { sessionStateSchema, type SessionState } from "@/lib/flows/engine/session-state";
import type { FlowWakePayload } from "@/lib/jobs/handlers/flow-wake";
import { loadFlowDefinition, loadRunContext } from "./automation-context";
import { settleRun } from "./charge-credit";
import { claimReceipt, loadContact, loadConversation, loadOpenSession, lockAutomationSubject } from "./load-subject";
import { performHttpRequest, type HttpResult } from "./perform-http-request";
import { createFlowRun, flushFlowRun, log, runEngine, wakeReceiptKey } from "./run-flow";
import { findStopReason } from "./stop-reasons";

export type WakeResult = {
  /** done: the session moved on; duplicate: handled before; stale: the session no longer waits for this; ignored: session gone. */
  status: "done" | "duplicate" | "stale" | "ignored";
  queued: number;
};

const sessionRow = z.object({ status: z.string(), state: z.unknown(), channelId: z.string(), contactExternalId: z.string() });

/**
 * Wakes a waiting session when its delay ends, its question times out, or its HTTP block is to be
 * performed, in one transaction like an inbound event (lock, receipt, engine, actions, session).
 * Idempotent by the receipt `wake:<session>:<block>:<kind>:<at>`; a wake-up the session no longer
 * waits for (answered in time, interrupted, cancelled) changes nothing. When automations are
 * stopped for the person (bot paused, opted out, channel needing re-auth, no credits…) the
 * session ends ("stopped") with the reason logged, rather than waiting for ever.
 *
 * The HTTP call itself happens before the transaction (a transaction must not wait on the
 * network) and only while the session still waits for it; a job retried after a crash between
 * the call and the commit calls again (at least once, like any webhook).
 */
export async function wakeFlowSession(payload: FlowWakePayload): Promise<WakeResult> {
  const pool = getPgPool();
  const { rows } = await pool.query(
    `SELECT s.status::text AS status, s.state, ct."channelId", ct."externalId" AS "contactExternalId"
       FROM "FlowSession" s JOIN "Contact" ct ON ct.id = s."contactId" WHERE s.id = $1 AND s."workspaceId" = $2`,
    [payload.sessionId, payload.workspaceId],
  );
  if (!rows[0]) return { status: "ignored", queued: 0 };
  const stored = sessionRow.parse(rows[0]);
  if (stored.status !== "open") return { status: "stale", queued: 0 };
  const receiptKey = wakeReceiptKey(payload);

  let http: HttpResult | null = null;
  if (payload.kind === "http") {
    const state = sessionStateSchema.safeParse(stored.state);
    if (!state.success || !isWaitingFor(state.data, payload)) return { status: "stale", queued: 0 };
    const done = await pool.query(`SELECT 1 FROM "AutomationReceipt" WHERE "workspaceId" = $1 AND key = $2`, [payload.workspaceId, receiptKey]);
    if (done.rowCount) return { status: "duplicate", queued: 0 };
    http = payload.request
      ? await performHttpRequest({ request: payload.request, allowPrivateAddresses: getEnv().NODE_ENV !== "production" })
      : { ok: false, status: null, body: null, error: "The request is missing" };
  }

  return withPgTransaction(async (client, end) => {
    await lockAutomationSubject(client, { channelId: stored.channelId, contactExternalId: stored.contactExternalId });
    const ctx = await loadRunContext({ client, workspaceId: payload.workspaceId, channelId: stored.channelId });
    if (!ctx) return { status: "ignored", queued: 0 };
    if (!(await claimReceipt(client, { workspaceId: ctx.workspace.id, key: receiptKey }))) return { status: "duplicate", queued: 0 };
    const contact = await loadContact({ client, channelId: ctx.channel.id, externalId: stored.contactExternalId });
    const conversation = contact ? await loadConversation({ client, channelId: ctx.channel.id, contactId: contact.id }) : null;
    const session = contact ? await loadOpenSession({ client, contactId: contact.id }) : null;
    if (!contact || !conversation || !session?.state || session.id !== payload.sessionId || !isWaitingFor(session.state, payload)) return { status: "stale", queued: 0 };

    const definition = await loadFlowDefinition({ db: client, versionId: session.versionId });
    const run = createFlowRun({ ctx, receiptKey, contact, conversation, session });
    const stop = findStopReason({ ctx, contact, conversation });
    if (stop) {
      log(run, { kind: "automation_skipped", result: "skipped", flowId: session.flowId, blockId: payload.blockId, code: stop.code, reason: stop.reason, detail: { wake: payload.kind } });
      await runEngine(run, { event: { type: "stop", reason: "stopped" }, definition, session });
    } else {
      if (http) {
        log(run, {
          kind: "http_request",
          result: http.ok ? "ok" : "failed",
          flowId: session.flowId,
          blockId: payload.blockId,
          reason: http.ok ? null : (http.error ?? `The server answered HTTP ${http.status}`),
          detail: { status: http.status, method: payload.request?.method },
        });
      }
      await runEngine(run, { event: toEngineEvent(payload, http), definition, session });
    }
    await flushFlowRun(run);
    settleRun(ctx, end);
    return { status: "done", queued: run.queued };
  });
}

/** Whether the session waits for exactly this wake-up (same block, kind and scheduled time). */
function isWaitingFor(state: SessionState, { kind, blockId, at }: FlowWakePayload): boolean {
  const waiting = state.waitingFor;
  if (!waiting || waiting.blockId !== blockId) return false;
  if (kind === "http") return waiting.kind === "http";
  if (kind === "delay") return waiting.kind === "delay" && waiting.until === at;
  return waiting.kind === "reply" && waiting.timeoutAt === at;
}

function toEngineEvent(payload: FlowWakePayload, http: HttpResult | null): EngineEvent {
  if (payload.kind === "delay") return { type: "delay_elapsed", blockId: payload.blockId };
  if (payload.kind === "timeout") return { type: "timeout", blockId: payload.blockId };
  return { type: "http_result", blockId: payload.blockId, ok: http?.ok ?? false, status: http?.status ?? null, body: http?.body ?? null };
}
