import "server-only";
import { randomUUID } from "node:crypto";
import type { OutboundMessage } from "@/lib/channels/types";
import type { FlowDefinition } from "@/lib/flows/definition/flow-definition-schema";
import { OPT_IN_CONFIRMATION } from "@/lib/flows/engine/detect-opt-out";
import type { EndReason, EngineAction, EngineEvent } from "@/lib/flows/engine/engine-types";
import { advance, type AdvanceOptions } from "@/lib/flows/engine/step";
import { COMPLETED_STAT_ID } from "@/lib/flows/manage/flow-stats";
import { escapeSqlText, escapeSqlTextOrNull } from "@/lib/db/pg";
import { insertJobs } from "@/lib/jobs/insert-jobs";
import { queues } from "@/lib/jobs/queues";
import type { CommentReplyPayload } from "@/lib/jobs/handlers/comment-reply";
import type { FlowWakePayload } from "@/lib/jobs/handlers/flow-wake";
import { applyContactAction, applyHandoff } from "./apply-contact-actions";
import { automationLogsSql, type AutomationLogEntry } from "./automation-log";
import { loadFlowStart } from "./automation-context";
import { reserveCredit } from "./charge-credit";
import { claimReceipt } from "./load-subject";
import { createPacer, type Pacer } from "./pace-sends";
import type { ContactState, ConversationState, RunContext, SessionRow } from "./runner-types";
import { sendAutomatedMessage, type SendOutcome } from "./send-automated-message";

/** The comment a comment-trigger flow answers (its CommentAutomation row) and which replies the run queued. */
export type CommentTarget = { automationId: string; commentId: string; publicQueued: boolean; privateQueued: boolean };

/**
 * Everything one inbound event (or wake-up) does, collected while the engine runs and written
 * by flushFlowRun in the same transaction as the event's receipt: sessions, analytics, log.
 */
export type FlowRun = {
  ctx: RunContext;
  /** The event's AutomationReceipt key; idempotency keys of its actions derive from it. */
  receiptKey: string;
  contact: ContactState;
  conversation: ConversationState;
  /** The inbound message that drove the run, for the log. */
  sourceMessageId: string | null;
  comment: CommentTarget | null;
  sessions: SessionRow[];
  logs: AutomationLogEntry[];
  stats: Map<string, { versionId: string; blockId: string; count: number }>;
  /** Actions performed so far: `${receiptKey}:${index}` names each one. */
  index: number;
  pacer: Pacer | null;
  /** Messages queued (for the job's result). */
  queued: number;
};

export type CreateFlowRunOptions = {
  ctx: RunContext;
  receiptKey: string;
  contact: ContactState;
  conversation: ConversationState;
  sourceMessageId?: string | null;
  comment?: CommentTarget | null;
  /** The contact's open session, if any (the first entry of `sessions`). */
  session?: SessionRow | null;
  /** The conversation's pacer when the caller read its input already (else made on the first send). */
  pacer?: Pacer | null;
};

export function createFlowRun({ ctx, receiptKey, contact, conversation, sourceMessageId = null, comment = null, session = null, pacer = null }: CreateFlowRunOptions): FlowRun {
  return { ctx, receiptKey, contact, conversation, sourceMessageId, comment, sessions: session ? [session] : [], logs: [], stats: new Map(), index: 0, pacer, queued: 0 };
}

export type RunEngineOptions = {
  event: EngineEvent;
  /** The definition advance runs: the started flow's for a start event, the session's version otherwise. */
  definition: FlowDefinition | null;
  /** The session the event is fed to (for a start: the one it interrupts). */
  session: SessionRow | null;
  flowName?: string;
};

type Step = { event: EngineEvent; definition: FlowDefinition | null; session: SessionRow | null };

/**
 * Feeds one event to the engine and performs the actions it returns, in order, then follows a
 * go_to_flow into the target flow's active version (the engine caps the hops). Everything is
 * written through the run's transaction; nothing leaves the database here (sends, comment
 * replies, HTTP calls and timers are jobs committed with it).
 */
export async function runEngine(run: FlowRun, options: RunEngineOptions): Promise<void> {
  let step: Step | null = { event: options.event, definition: options.definition, session: options.session };
  if (options.event.type === "start") log(run, { kind: "flow_started", result: "ok", flowId: options.event.flowId, blockId: options.event.triggerBlockId, detail: { flowName: options.flowName } });
  while (step) step = await runStep(run, step);
}

async function runStep(run: FlowRun, { event, definition, session }: Step): Promise<Step | null> {
  const result = advance({ definition, session: session?.state ?? null, event, ...engineInputs(run) });
  // A start runs in a new session row; the one it replaces (if any) is ended by the actions.
  const output = event.type === "start" ? startRow(run, event.flowId, event.versionId) : session;
  let next: Step | null = null;
  for (const action of result.actions) {
    const key = `${run.receiptKey}:${run.index++}`;
    const jump = await performAction(run, { action, key, input: session, output, isStart: event.type === "start" });
    if (jump) next = jump;
  }
  if (output && result.session) {
    output.state = result.session;
    output.dirty = true;
  }
  return next;
}

type PerformOptions = { action: EngineAction; key: string; input: SessionRow | null; output: SessionRow | null; isStart: boolean };

async function performAction(run: FlowRun, { action, key, input, output, isStart }: PerformOptions): Promise<Step | null> {
  const flowId = output?.flowId ?? input?.flowId ?? null;
  switch (action.type) {
    case "visited":
      if (output) countStat(run, output.versionId, action.blockId);
      return null;
    case "completed":
      countStat(run, action.versionId, COMPLETED_STAT_ID);
      return null;
    case "end": {
      // The first "end" of a start closes the session it interrupts; any other closes the run's own.
      const row = isStart && input && input.status === "open" && action.reason === "interrupted" && input.versionId === action.versionId ? input : output;
      if (row) endRow(row, action.reason);
      log(run, { kind: "flow_ended", result: "ok", flowId: action.flowId, blockId: action.blockId, code: action.reason, reason: END_REASONS[action.reason] });
      return null;
    }
    case "send_message": {
      const outcome = await sendFromRun(run, { message: action.message, idempotencyKey: `flow:${key}` });
      logSend(run, { kind: "message", outcome, flowId, blockId: action.blockId });
      return null;
    }
    case "comment_public_reply":
      await enqueueCommentReply(run, { kind: "public", text: action.text });
      return null;
    case "comment_private_reply":
      await queuePrivateReply(run, { key, flowId, blockId: action.blockId, message: action.message });
      return null;
    case "set_attribute":
    case "add_tag":
    case "remove_tag":
      await applyContactAction({ client: run.ctx.client, contact: run.contact, action });
      log(run, { kind: CONTACT_ACTION_KINDS[action.type], result: "ok", flowId, blockId: action.blockId, detail: contactActionDetail(action) });
      return null;
    case "handoff": {
      const detail = await applyHandoff({ ctx: run.ctx, conversation: run.conversation, action, flowName: await flowNameOf(run, flowId) });
      log(run, { kind: "handoff", result: "ok", flowId, blockId: action.blockId, detail });
      return null;
    }
    case "http_request":
      if (output) await scheduleWake(run, { session: output, blockId: action.blockId, kind: "http", at: run.ctx.now.toISOString(), request: action.request });
      return null;
    case "schedule":
      if (output) await scheduleWake(run, { session: output, blockId: action.blockId, kind: action.kind, at: action.at });
      log(run, { kind: "scheduled", result: "ok", flowId, blockId: action.blockId, detail: { kind: action.kind, at: action.at } });
      return null;
    case "cancel_schedule":
      if (input) await cancelWake(run, { session: input, kind: action.kind, blockId: action.blockId });
      log(run, { kind: "schedule_cancelled", result: "ok", flowId: input?.flowId ?? flowId, blockId: action.blockId, detail: { kind: action.kind } });
      return null;
    case "go_to_flow":
      return goToFlow(run, { targetFlowId: action.flowId, jumps: action.jumps, fromFlowId: flowId, blockId: action.blockId });
    case "opt_out":
      await optOut(run, { confirmation: action.confirmation, key });
      return null;
  }
}

/** What the engine reads besides the event: the clock, the contact as this run changed it, the channel and hours. */
export function engineInputs(run: FlowRun): Pick<AdvanceOptions, "now" | "contact" | "context"> {
  const { ctx, contact } = run;
  return {
    now: ctx.now,
    contact: { name: contact.displayName, username: contact.username, phone: contact.phone, email: contact.email, attributes: contact.attributes, tags: contact.tags },
    context: { channel: ctx.channel.type, businessHours: ctx.workspace.settings.businessHours },
  };
}

// ---------------------------------------------------------------------------------------------
// Sessions

function startRow(run: FlowRun, flowId: string, versionId: string): SessionRow {
  const row: SessionRow = { id: randomUUID(), flowId, versionId, isNew: true, state: null, status: "open", endReason: null, dirty: true };
  run.sessions.push(row);
  return row;
}

/** End reasons that count as reaching the end of the flow (as the engine's completions). */
const COMPLETING: ReadonlySet<EndReason> = new Set(["completed", "handoff", "go_to_flow"]);

function endRow(row: SessionRow, reason: EndReason) {
  row.status = COMPLETING.has(reason) ? "completed" : "ended";
  row.endReason = reason;
  row.dirty = true;
}

const END_REASONS: Record<EndReason, string | null> = {
  completed: null,
  handoff: "Handed off to a person",
  go_to_flow: "Went on to another flow",
  timeout: "The contact did not answer in time",
  invalid_answer: "The contact's answers were not valid",
  http_error: "The HTTP request failed and the flow has no error path",
  step_limit: "Stopped: the flow ran too many steps at once (a loop?)",
  jump_limit: "Stopped: too many go-to-flow jumps in a row",
  interrupted: "Interrupted by another flow's trigger",
  stopped: "Stopped by the runner",
  opted_out: "The contact opted out",
  flow_unavailable: "The flow's version could not be loaded",
  missing_block: "The flow points to a block that does not exist",
};

async function goToFlow(run: FlowRun, { targetFlowId, jumps, fromFlowId, blockId }: { targetFlowId: string; jumps: number; fromFlowId: string | null; blockId: string }): Promise<Step | null> {
  const target = await loadFlowStart({ db: run.ctx.client, workspaceId: run.ctx.workspace.id, flowId: targetFlowId });
  if (!target) {
    log(run, { kind: "flow_started", result: "skipped", flowId: fromFlowId, blockId, code: "flow_unavailable", reason: "The flow to go to is not active (paused, unpublished or deleted)", detail: { targetFlowId } });
    return null;
  }
  log(run, { kind: "flow_started", result: "ok", flowId: target.flowId, blockId: target.triggerBlockId, detail: { flowName: target.flowName, from: fromFlowId, jumps } });
  return { event: { type: "start", flowId: target.flowId, versionId: target.versionId, triggerBlockId: target.triggerBlockId, jumps }, definition: target.definition, session: null };
}

// ---------------------------------------------------------------------------------------------
// Sends

export type SendFromRunOptions = { message: OutboundMessage; idempotencyKey: string; isOptOutConfirmation?: boolean };

/** Queues an automated message to the run's contact (policy, credit, pacing: sendAutomatedMessage). */
export async function sendFromRun(run: FlowRun, { message, idempotencyKey, isOptOutConfirmation }: SendFromRunOptions): Promise<SendOutcome> {
  run.pacer ??= await createPacer({ client: run.ctx.client, conversationId: run.conversation.id, channelType: run.ctx.channel.type, now: run.ctx.now });
  const outcome = await sendAutomatedMessage({ ctx: run.ctx, contact: run.contact, conversation: run.conversation, pacer: run.pacer, message, idempotencyKey, isOptOutConfirmation });
  if (outcome.queued) run.queued++;
  return outcome;
}

export type LogSendOptions = { kind: string; outcome: SendOutcome; flowId?: string | null; blockId?: string | null };

export function logSend(run: FlowRun, { kind, outcome, flowId = null, blockId = null }: LogSendOptions) {
  if (outcome.queued) log(run, { kind, result: "ok", flowId, blockId, messageId: outcome.messageId, detail: { sendAfter: outcome.startAfter.toISOString() } });
  else log(run, { kind, result: "skipped", flowId, blockId, code: outcome.code, reason: outcome.reason });
}

async function optOut(run: FlowRun, { confirmation, key }: { confirmation: string; key: string }) {
  await run.ctx.client.query(
    `UPDATE "Contact" SET "optedOut" = true, "optedOutAt" = COALESCE("optedOutAt", timezone('UTC', now())), "updatedAt" = timezone('UTC', now()) WHERE id = $1`,
    [run.contact.id],
  );
  log(run, { kind: "opt_out", result: "ok", detail: { confirmation: true } });
  const outcome = await sendFromRun(run, { message: { type: "text", text: confirmation }, idempotencyKey: `optout:${key}`, isOptOutConfirmation: true });
  run.contact.optedOut = true;
  logSend(run, { kind: "opt_out_confirmation", outcome });
}

export type OptInOptions = { keyword: string };

/**
 * Opts an opted-out contact back in (START / UNSTOP / SUBSCRIBE): the reverse of optOut, recorded
 * the same way — the contact's optedOut flag (optedOutAt cleared), an "opt_in" activity entry, and
 * a free confirmation stored with its ComplianceRecord and sent through the usual rules (the
 * WhatsApp window is open: the contact has just written; a blocked conversation gets none).
 */
export async function optIn(run: FlowRun, { keyword }: OptInOptions) {
  await run.ctx.client.query(`UPDATE "Contact" SET "optedOut" = false, "optedOutAt" = NULL, "updatedAt" = timezone('UTC', now()) WHERE id = $1`, [run.contact.id]);
  run.contact.optedOut = false;
  log(run, { kind: "opt_in", result: "ok", detail: { keyword, confirmation: true } });
  const outcome = await sendFromRun(run, { message: { type: "text", text: OPT_IN_CONFIRMATION }, idempotencyKey: `optin:${run.receiptKey}`, isOptOutConfirmation: true });
  logSend(run, { kind: "opt_in_confirmation", outcome });
}

// ---------------------------------------------------------------------------------------------
// Comment replies: the Graph calls are jobs (comment-reply), committed with the run.

export type CommentReply = { kind: "public"; text: string } | { kind: "private"; message: OutboundMessage; idempotencyKey: string };

/** Queues a comment-reply job for the run's comment (committed with the run). */
export async function enqueueCommentReply(run: FlowRun, reply: CommentReply) {
  // One public and one private reply per comment, however the flow got there twice.
  if (!run.comment || (reply.kind === "public" ? run.comment.publicQueued : run.comment.privateQueued)) return;
  const data: CommentReplyPayload = { workspaceId: run.ctx.workspace.id, commentAutomationId: run.comment.automationId, ...reply };
  await insertJobs({ client: run.ctx.client, queue: queues.commentReply.name, jobs: [{ data }] });
  if (reply.kind === "public") run.comment.publicQueued = true;
  else run.comment.privateQueued = true;
}

type QueuePrivateReplyOptions = { key: string; flowId: string | null; blockId: string; message: OutboundMessage };

/**
 * The private reply DM: one per comment whatever rule sends it (Instagram refuses a second one),
 * charged like any automated DM; the job sends it (paced per account, within 7 days).
 */
async function queuePrivateReply(run: FlowRun, { key, flowId, blockId, message }: QueuePrivateReplyOptions) {
  const comment = run.comment;
  if (!comment || comment.privateQueued) return;
  const { client } = run.ctx;
  const skip = async (code: string, reason: string) => {
    await client.query(`UPDATE "CommentAutomation" SET "privateReplyStatus" = 'skipped', reason = $2 WHERE id = $1`, [comment.automationId, code]);
    log(run, { kind: "comment_private_reply", result: "skipped", flowId, blockId, code, reason, detail: { commentId: comment.commentId } });
  };
  const other = await client.query(
    `SELECT 1 FROM "CommentAutomation" WHERE "channelId" = $1 AND "commentExternalId" = $2 AND id <> $3 AND "privateReplyStatus" IN ('pending', 'sending', 'sent')`,
    [run.ctx.channel.id, comment.commentId, comment.automationId],
  );
  if (other.rowCount) return skip("already_replied", "This comment already got its private reply (Instagram allows one per comment)");
  const idempotencyKey = `flow:${key}`;
  if (!reserveCredit(run.ctx, idempotencyKey)) return skip("credits_exhausted", "The workspace has no automation credits left");
  await enqueueCommentReply(run, { kind: "private", message, idempotencyKey });
}

// ---------------------------------------------------------------------------------------------
// Timers: delay / question timeout / HTTP call as flow-wake jobs, durable across restarts.

type ScheduleWakeOptions = { session: SessionRow; blockId: string; kind: FlowWakePayload["kind"]; at: string; request?: FlowWakePayload["request"] };

async function scheduleWake(run: FlowRun, { session, blockId, kind, at, request }: ScheduleWakeOptions) {
  const data: FlowWakePayload = { workspaceId: run.ctx.workspace.id, sessionId: session.id, blockId, kind, at, ...(request ? { request } : {}) };
  const startAfter = new Date(at);
  await insertJobs({ client: run.ctx.client, queue: queues.flowWake.name, jobs: [{ data, startAfter: startAfter.getTime() > run.ctx.now.getTime() ? startAfter : undefined }] });
}

/** The receipt a wake-up claims: claiming it first (cancel) makes that wake-up a no-op. */
export function wakeReceiptKey({ sessionId, blockId, kind, at }: { sessionId: string; blockId: string; kind: string; at: string }): string {
  return `wake:${sessionId}:${blockId}:${kind}:${at}`;
}

/**
 * Cancels the pending wake-up of the session the event was fed to: its `at` is in the session's
 * state before this event; claiming its receipt now turns the job into a no-op when it fires.
 */
async function cancelWake(run: FlowRun, { session, kind, blockId }: { session: SessionRow; kind: "delay" | "timeout"; blockId: string }) {
  const waiting = session.state?.waitingFor;
  const at = kind === "delay" && waiting?.kind === "delay" ? waiting.until : kind === "timeout" && waiting?.kind === "reply" ? waiting.timeoutAt : null;
  if (!at) return;
  await claimReceipt(run.ctx.client, { workspaceId: run.ctx.workspace.id, key: wakeReceiptKey({ sessionId: session.id, blockId, kind, at }) });
}

// ---------------------------------------------------------------------------------------------
// Bookkeeping

export function log(run: FlowRun, entry: AutomationLogEntry) {
  run.logs.push({ contactId: run.contact.id, conversationId: run.conversation.id, messageId: run.sourceMessageId, ...entry });
}

function countStat(run: FlowRun, versionId: string, blockId: string) {
  const key = `${versionId}\u0000${blockId}`;
  const stat = run.stats.get(key);
  if (stat) stat.count++;
  else run.stats.set(key, { versionId, blockId, count: 1 });
}

const flowNames = new Map<string, string>();

async function flowNameOf(run: FlowRun, flowId: string | null): Promise<string | null> {
  if (!flowId) return null;
  const known = flowNames.get(flowId);
  if (known) return known;
  const { rows } = await run.ctx.client.query<{ name: string }>(`SELECT name FROM "Flow" WHERE id = $1`, [flowId]);
  if (rows[0]) flowNames.set(flowId, rows[0].name);
  return rows[0]?.name ?? null;
}

const CONTACT_ACTION_KINDS = { set_attribute: "attribute_set", add_tag: "tag_added", remove_tag: "tag_removed" } as const;

function contactActionDetail(action: Extract<EngineAction, { type: "set_attribute" | "add_tag" | "remove_tag" }>): Record<string, unknown> {
  return action.type === "set_attribute" ? { attribute: action.attribute, value: action.value } : { tag: action.tag };
}

/**
 * Records what the run did for its transaction's commit: sessions (the ended one before the new
 * open one, which the one-open-session index requires), block analytics and the activity log.
 * Nothing in the run reads these back, so they go with the COMMIT (settleRun) rather than a round
 * trip each; flushDeferredWrites sends them earlier when something will read them.
 */
export async function flushFlowRun(run: FlowRun): Promise<void> {
  const { workspace, deferred } = run.ctx;
  for (const row of run.sessions) {
    if (row.isNew || !row.dirty) continue;
    const state = row.status === "open" && row.state ? `${escapeSqlText(JSON.stringify(row.state))}::jsonb` : "NULL::jsonb";
    deferred.writes.push(
      `UPDATE "FlowSession" SET state = COALESCE(${state}, state), status = ${escapeSqlText(row.status)}::"FlowSessionStatus", "endReason" = ${escapeSqlTextOrNull(row.endReason)},
         "endedAt" = ${row.status === "open" ? "NULL" : "timezone('UTC', now())"}, "updatedAt" = timezone('UTC', now())
       WHERE id = ${escapeSqlText(row.id)}`,
    );
  }
  for (const row of run.sessions) {
    if (!row.isNew) continue;
    // A session that ended within this event never waited: keep a minimal state for the history.
    const state = row.state ?? { flowId: row.flowId, versionId: row.versionId, currentBlockId: null, waitingFor: null, variables: {}, stepsTaken: 0 };
    deferred.writes.push(
      `INSERT INTO "FlowSession" (id, "workspaceId", "flowId", "versionId", "contactId", "conversationId", status, state, "endReason", "startedAt", "updatedAt", "endedAt")
       VALUES (${[row.id, workspace.id, row.flowId, row.versionId, run.contact.id, run.conversation.id].map(escapeSqlText).join(", ")}, ${escapeSqlText(row.status)}::"FlowSessionStatus",
         ${escapeSqlText(JSON.stringify(state))}::jsonb, ${escapeSqlTextOrNull(row.endReason)}, timezone('UTC', now()), timezone('UTC', now()), ${row.status === "open" ? "NULL" : "timezone('UTC', now())"})`,
    );
  }
  // Block counters are shared by every run of the flow: written by settleRun at the end of the transaction.
  for (const [key, stat] of run.stats) {
    const pending = deferred.stats.get(key);
    if (pending) pending.count += stat.count;
    else deferred.stats.set(key, { ...stat });
  }
  run.stats.clear();
  const logs = automationLogsSql({ workspaceId: workspace.id, entries: run.logs });
  if (logs) deferred.writes.push(logs);
  run.logs = [];
}

/**
 * Runs the writes flushFlowRun held back (sessions, activity log) now, in the transaction: before
 * anything reads them back (the next inbound message of a conversation handled in the same run).
 */
export async function flushDeferredWrites(ctx: RunContext): Promise<void> {
  if (ctx.deferred.writes.length === 0) return;
  const sql = ctx.deferred.writes.join(";\n");
  ctx.deferred.writes.length = 0;
  await ctx.client.query(sql);
}
