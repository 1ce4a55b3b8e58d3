import "server-only";
import { z } from "zod";
import type { InternalEvent, MessageContent } from "@/lib/channels/types";
import { getPgPool, withPgTransaction } from "@/lib/db/pg";
import { isWithinBusinessHours } from "@/lib/flows/engine/is-within-business-hours";
import { matchTrigger, type TriggerDecision, type TriggerEvent } from "@/lib/flows/engine/match-trigger";
import { advance } from "@/lib/flows/engine/step";
import { toTriggerEvent } from "@/lib/flows/engine/to-trigger-event";
import type { AutomationJobPayload } from "@/lib/jobs/handlers/run-automations";
import { insertAutomationLogs } from "./automation-log";
import { loadFlowDefinition, loadFlowStart, loadRunContext } from "./automation-context";
import { COMMENT_MAX_AGE_MS, getCommentCooldown, isInCooldown, recordCommentAutomation, settleCommentAutomation } from "./comment-rules";
import { claimReceipt, loadContact, loadConversation, loadMessageRun, loadMessageSubject, loadOpenSession, automationLockKey, upsertCommenter, type MessageRunStart, type MessageSubject, type PendingInboundMessage } from "./load-subject";
import { pacerFromRecent, type Pacer } from "./pace-sends";
import { createFlowRun, engineInputs, enqueueCommentReply, flushDeferredWrites, flushFlowRun, log, logSend, optIn, runEngine, sendFromRun, type FlowRun } from "./run-flow";
import { renderAutomatedText } from "./render-automated-text";
import { settleRun } from "./charge-credit";
import { findStopReason } from "./stop-reasons";
import type { ContactState, ConversationState, RunContext, SessionRow } from "./runner-types";

export type InboundAutomationResult = {
  /** done: handled now; duplicate: handled before (replay, retried job); ignored: nothing to do. */
  status: "done" | "duplicate" | "ignored";
  /** Inbound events handled (earlier unhandled messages of the conversation run first). */
  events: number;
  /** Automated messages queued. */
  queued: number;
};

/** Earlier messages of the conversation still without a run are handled first, up to this far back. */
const CATCH_UP_MS = 10 * 60 * 1000;

/** The away message goes at most once per conversation in this time. */
const AWAY_MESSAGE_INTERVAL_MS = 12 * 60 * 60 * 1000;

/**
 * Runs the workspace's automations for one stored inbound message or comment, in ONE
 * transaction: claim the event's receipt (`message:<id>` / `comment:<provider id>`; a replay
 * stops here), check what stops automations (auto-reply off, channel needing re-auth, blocked
 * conversation, paused bot, opted-out contact, no credits: logged as skipped), match triggers
 * against the contact's open session, advance the engine and perform its actions, then store
 * the session, analytics and activity log. Messages and timers are jobs written in the same
 * transaction (lib/jobs/insert-jobs.ts: no pg-boss instance needed), so they exist exactly when
 * the run committed.
 *
 * Runs of one person are serialised (advisory lock) and in order: unhandled earlier messages of
 * the conversation (a job fetched out of order) are handled first, each with its own receipt.
 * Throws on database errors (the job retries; nothing was kept).
 */
export async function runInboundAutomation(payload: AutomationJobPayload): Promise<InboundAutomationResult> {
  const subject = await locateSubject(payload);
  if (!subject) return { status: "ignored", events: 0, queued: 0 };
  // The person's lock (lockAutomationSubject) is taken with BEGIN, in the same round trip. The
  // commit need not wait for the disk: pg-boss's completion of this job is a later synchronous
  // commit (WAL is flushed in order), and nothing leaves the app before one either — a send job
  // records its attempt (synchronously) before it calls the provider. After a crash in between,
  // the job runs again and its receipt is not there.
  const advisoryLock = automationLockKey({ channelId: payload.channelId, contactExternalId: subject.contactExternalId });
  return withPgTransaction(async (client, end) => {
    if (payload.kind === "comment") {
      const ctx = await loadRunContext({ client, workspaceId: payload.workspaceId, channelId: payload.channelId });
      if (!ctx) return { status: "ignored", events: 0, queued: 0 };
      const result = await runComment(ctx, payload.commentId);
      settleRun(ctx, end);
      return result;
    }
    const start = await loadMessageRun({ client, workspaceId: payload.workspaceId, channelId: payload.channelId, messageId: payload.messageId, catchUpMs: CATCH_UP_MS });
    if (!start) return { status: "ignored", events: 0, queued: 0 };
    const result = await runMessages(start);
    // Last: the writes to rows all runs share (credits, flow counters), then the commit.
    settleRun(start.ctx, end);
    return result;
  }, { advisoryLock, synchronousCommit: false });
}

const subjectRow = z.object({ contactExternalId: z.string(), conversationId: z.string().nullable() });

/** Whose event it is (the lock key), read before the transaction: these ids never change. */
async function locateSubject(payload: AutomationJobPayload): Promise<z.infer<typeof subjectRow> | null> {
  // Jobs written by ingestion carry the sender (older jobs do not: looked up).
  if (payload.kind === "message" && payload.contactExternalId) return { contactExternalId: payload.contactExternalId, conversationId: null };
  const pool = getPgPool();
  const { rows } =
    payload.kind === "message"
      ? await pool.query(
          `SELECT ct."externalId" AS "contactExternalId", m."conversationId" AS "conversationId"
             FROM "Message" m JOIN "Conversation" c ON c.id = m."conversationId" JOIN "Contact" ct ON ct.id = c."contactId"
            WHERE m.id = $1 AND m."workspaceId" = $2 AND m."channelId" = $3 AND m.direction = 'inbound'`,
          [payload.messageId, payload.workspaceId, payload.channelId],
        )
      : await pool.query(
          `SELECT "fromId" AS "contactExternalId", NULL::text AS "conversationId" FROM "InstagramComment" WHERE "channelId" = $1 AND "externalId" = $2 AND "workspaceId" = $3`,
          [payload.channelId, payload.commentId, payload.workspaceId],
        );
  return rows[0] ? subjectRow.parse(rows[0]) : null;
}

// ---------------------------------------------------------------------------------------------
// Messages

async function runMessages({ ctx, pending, subject, recentAutomated }: MessageRunStart): Promise<InboundAutomationResult> {
  if (pending.length === 0) return { status: "duplicate", events: 0, queued: 0 };
  let queued = 0;
  let events = 0;
  for (const message of pending) {
    if (!message.claimed) continue;
    // The previous message's session writes must be visible to this one's run, which reads its
    // subject again; the first runs on what the transaction's first statement read.
    if (events > 0) await flushDeferredWrites(ctx);
    const preloaded = events === 0 && subject ? { subject, pacer: pacerFromRecent({ recent: recentAutomated, channelType: ctx.channel.type, now: ctx.now }) } : null;
    events++;
    queued += await runMessage(ctx, message, preloaded);
  }
  return { status: events > 0 ? "done" : "duplicate", events, queued };
}

/** One inbound message: opt-out, stop checks, welcome / away messages, then the flow it starts or continues. Returns messages queued. */
async function runMessage(ctx: RunContext, message: PendingInboundMessage, preloaded: { subject: MessageSubject; pacer: Pacer } | null): Promise<number> {
  const loaded = preloaded?.subject ?? (await loadMessageSubject({ client: ctx.client, messageId: message.id }));
  if (!loaded) return 0;
  const { contact, conversation, session } = loaded;
  const internal: InternalEvent = {
    kind: "message",
    accountId: ctx.channel.externalId ?? "",
    timestamp: ctx.now,
    externalId: message.id,
    contact: { externalId: contact.externalId },
    content: message.content,
  };
  const trigger = toTriggerEvent({ event: internal, isNewConversation: message.isNewConversation });
  if (!trigger) return 0;
  const { sessionDefinition, decision } = await decide({ ctx, trigger, session, optedOut: contact.optedOut });
  const run = createFlowRun({ ctx, receiptKey: `message:${message.id}`, contact, conversation, sourceMessageId: message.id, session, pacer: preloaded?.pacer });

  if (decision.kind === "opt_in") {
    // Like STOP, honoured whatever else is going on; the confirmation obeys the send rules.
    await optIn(run, { keyword: decision.keyword });
    await flushFlowRun(run);
    return run.queued;
  }

  if (decision.kind === "opt_out") {
    // Honoured whatever else is going on (auto-reply off, paused bot…); the confirmation still
    // obeys the send rules (a blocked conversation or a channel needing re-auth gets none).
    if (!contact.optedOut) await runEngine(run, { event: { type: "opt_out" }, definition: sessionDefinition, session });
    else log(run, { kind: "opt_out", result: "skipped", code: "already_opted_out", reason: "The contact had already opted out" });
    await flushFlowRun(run);
    return run.queued;
  }

  const stop = findStopReason({ ctx, contact, conversation });
  if (stop) {
    log(run, { kind: "automation_skipped", result: "skipped", code: stop.code, reason: stop.reason });
    await flushFlowRun(run);
    return 0;
  }

  const { settings } = ctx.workspace;
  let answered = false;
  if (message.isNewConversation && settings.welcomeMessage && !(decision.kind === "start" && decision.rule === "new_conversation")) {
    const text = renderAutomatedText({ template: settings.welcomeMessage, contact });
    const outcome = await sendFromRun(run, { message: { type: "text", text }, idempotencyKey: `welcome:${run.receiptKey}` });
    logSend(run, { kind: "welcome_message", outcome });
    answered = outcome.queued;
  }
  const awayMessage = await dueAwayMessage(ctx, conversation);
  if (awayMessage) {
    const text = renderAutomatedText({ template: awayMessage, contact });
    const outcome = await sendFromRun(run, { message: { type: "text", text }, idempotencyKey: `away:${run.receiptKey}` });
    logSend(run, { kind: "away_message", outcome });
  }
  await runDecision(run, { decision, session, sessionDefinition, content: message.content, answered });
  await flushFlowRun(run);
  return run.queued;
}

type DecideOptions = { ctx: RunContext; trigger: TriggerEvent; session: SessionRow | null; optedOut?: boolean };

/** Trigger matching against the contact's open session (whose version says whether it may be interrupted). */
async function decide({ ctx, trigger, session, optedOut }: DecideOptions) {
  const sessionDefinition = session ? await loadFlowDefinition({ db: ctx.client, versionId: session.versionId }) : null;
  const decision = matchTrigger({
    event: trigger,
    triggers: ctx.triggers,
    session: session?.state ? { state: session.state, interruptible: sessionDefinition?.settings.interruptible ?? true } : null,
    optedOut,
  });
  return { sessionDefinition, decision };
}

type RunDecisionOptions = {
  decision: TriggerDecision;
  session: SessionRow | null;
  sessionDefinition: Awaited<ReturnType<typeof loadFlowDefinition>>;
  content: MessageContent;
  /** The welcome message already answered this message: no fallback on top of it. */
  answered: boolean;
};

async function runDecision(run: FlowRun, { decision, session, sessionDefinition, content, answered }: RunDecisionOptions) {
  const { ctx } = run;
  if (decision.kind === "start") {
    if (decision.rule === "fallback" && answered) return;
    const definition = await loadFlowDefinition({ db: ctx.client, versionId: decision.event.versionId });
    const flowName = ctx.triggers.find((trigger) => trigger.flowId === decision.event.flowId)?.flowName;
    await runEngine(run, { event: decision.event, definition, session, flowName });
    return;
  }
  if (decision.kind === "continue") {
    await runEngine(run, { event: { type: "reply", message: content }, definition: sessionDefinition, session });
    return;
  }
  // Nothing matched: the workspace's default fallback flow, unless the welcome message answered.
  const fallbackFlowId = ctx.workspace.settings.fallbackFlowId;
  if (decision.kind !== "none" || decision.reason !== "no_match" || answered || !fallbackFlowId || content.type === "story_mention") return;
  const start = await loadFlowStart({ db: ctx.client, workspaceId: ctx.workspace.id, flowId: fallbackFlowId });
  if (!start) {
    log(run, { kind: "flow_started", result: "skipped", flowId: fallbackFlowId, code: "flow_unavailable", reason: "The workspace's fallback flow is not active" });
    return;
  }
  const text = content.type === "text" ? content.text : content.type === "story_reply" ? content.text : undefined;
  await runEngine(run, {
    event: { type: "start", flowId: start.flowId, versionId: start.versionId, triggerBlockId: start.triggerBlockId, trigger: text === undefined ? {} : { text } },
    definition: start.definition,
    session: null,
    flowName: start.flowName,
  });
}

/** The away message when it is due: outside business hours, and none sent to this conversation in the last 12 hours. */
async function dueAwayMessage(ctx: RunContext, conversation: ConversationState): Promise<string | null> {
  const { businessHours, awayMessage } = ctx.workspace.settings;
  if (!businessHours || !awayMessage || isWithinBusinessHours({ hours: businessHours, at: ctx.now })) return null;
  // Away messages are the conversation's outbound messages keyed "away:…" (index on conversation + createdAt).
  const { rowCount } = await ctx.client.query(
    `SELECT 1 FROM "Message" WHERE "conversationId" = $1 AND direction = 'outbound' AND "idempotencyKey" LIKE 'away:%'
        AND "createdAt" > timezone('UTC', now()) - $2 * interval '1 millisecond' LIMIT 1`,
    [conversation.id, AWAY_MESSAGE_INTERVAL_MS],
  );
  return rowCount === 0 ? awayMessage : null;
}

// ---------------------------------------------------------------------------------------------
// Comments

const commentRow = z.object({
  externalId: z.string(),
  mediaId: z.string(),
  parentId: z.string().nullable(),
  text: z.string(),
  fromId: z.string(),
  fromUsername: z.string().nullable(),
  commentedAt: z.date(),
});

/**
 * One comment under the account's posts: the comment rule that matches (if any) runs for the
 * commenter — once per comment and rule, only for comments of the last 24 hours, and with the
 * rule's cooldown per commenter (24 h by default): within it only the public reply is posted, no DM.
 */
async function runComment(ctx: RunContext, commentId: string): Promise<InboundAutomationResult> {
  const { client, workspace, channel } = ctx;
  const receiptKey = `comment:${commentId}`;
  if (!(await claimReceipt(client, { workspaceId: workspace.id, key: receiptKey }))) return { status: "duplicate", events: 0, queued: 0 };
  const { rows } = await client.query(
    `SELECT "externalId", "mediaId", "parentId", text, "fromId", "fromUsername", "commentedAt" AT TIME ZONE 'UTC' AS "commentedAt"
       FROM "InstagramComment" WHERE "channelId" = $1 AND "externalId" = $2`,
    [channel.id, commentId],
  );
  if (!rows[0]) return { status: "ignored", events: 1, queued: 0 };
  const comment = commentRow.parse(rows[0]);
  const internal: InternalEvent = {
    kind: "comment",
    accountId: channel.externalId ?? "",
    timestamp: comment.commentedAt,
    commentId: comment.externalId,
    mediaId: comment.mediaId,
    text: comment.text,
    from: comment.fromUsername ? { id: comment.fromId, username: comment.fromUsername } : { id: comment.fromId },
    ...(comment.parentId ? { parentId: comment.parentId } : {}),
  };
  // Null for the account's own comments (its public replies come back as comment webhooks).
  const trigger = toTriggerEvent({ event: internal, isNewConversation: false });
  if (!trigger) return { status: "ignored", events: 1, queued: 0 };

  let contact: ContactState | null = await loadContact({ client, channelId: channel.id, externalId: comment.fromId });
  let conversation = contact ? await loadConversation({ client, channelId: channel.id, contactId: contact.id }) : null;
  const session = contact ? await loadOpenSession({ client, contactId: contact.id }) : null;
  const { decision } = await decide({ ctx, trigger, session });
  // No rule for this comment (or the commenter is in a flow that may not be interrupted).
  if (decision.kind !== "start") return { status: "done", events: 1, queued: 0 };
  const { flowId, triggerBlockId } = decision.event;
  const skipped = async (code: string, reason: string) => {
    await insertAutomationLogs({
      client,
      workspaceId: workspace.id,
      entries: [{ kind: "automation_skipped", result: "skipped", flowId, blockId: triggerBlockId, contactId: contact?.id, conversationId: conversation?.id, code, reason, detail: { commentId } }],
    });
    return { status: "done" as const, events: 1, queued: 0 };
  };

  const stop = findStopReason({ ctx, contact, conversation });
  if (stop) return skipped(stop.code, stop.reason);
  if (ctx.now.getTime() - comment.commentedAt.getTime() > COMMENT_MAX_AGE_MS) {
    return skipped("comment_too_old", "The comment is more than 24 hours old (received after an outage?): comment rules only answer recent comments");
  }
  if (!contact || !conversation) {
    ({ contact, conversation } = await upsertCommenter({ client, workspaceId: workspace.id, channelId: channel.id, externalId: comment.fromId, username: comment.fromUsername }));
  }
  const automationId = await recordCommentAutomation({ client, workspaceId: workspace.id, channelId: channel.id, commentId, flowId, blockId: triggerBlockId, commenterId: comment.fromId, commentedAt: comment.commentedAt });
  if (!automationId) return skipped("comment_already_handled", "This rule already handled this comment");

  const target = { automationId, commentId, publicQueued: false, privateQueued: false };
  const run = createFlowRun({ ctx, receiptKey, contact, conversation, comment: target, session });
  const definition = await loadFlowDefinition({ db: client, versionId: decision.event.versionId });
  const cooldown = getCommentCooldown({ definition, blockId: triggerBlockId });
  if (await isInCooldown({ client, flowId, blockId: triggerBlockId, commenterId: comment.fromId, excludeId: automationId, cooldownMs: cooldown.ms })) {
    await publicReplyOnly(run, { decision, definition });
    log(run, { kind: "comment_private_reply", result: "skipped", flowId, blockId: triggerBlockId, code: "cooldown", reason: `This person already got a DM from this rule in the last ${cooldown.text} (the rule's cooldown)`, detail: { commentId } });
    await settleCommentAutomation({ client, id: automationId, publicQueued: target.publicQueued, privateQueued: false, reason: "cooldown" });
  } else {
    const flowName = ctx.triggers.find((candidate) => candidate.flowId === flowId)?.flowName;
    await runEngine(run, { event: decision.event, definition, session, flowName });
    await settleCommentAutomation({ client, id: automationId, publicQueued: target.publicQueued, privateQueued: target.privateQueued, reason: "not_configured" });
  }
  await flushFlowRun(run);
  return { status: "done", events: 1, queued: run.queued };
}

/**
 * Within the cooldown the rule still answers the comment publicly (the same reply the flow would
 * post), but starts no session and sends no DM.
 */
async function publicReplyOnly(run: FlowRun, { decision, definition }: { decision: Extract<TriggerDecision, { kind: "start" }>; definition: Awaited<ReturnType<typeof loadFlowDefinition>> }) {
  const result = advance({ definition, session: null, event: decision.event, ...engineInputs(run) });
  const reply = result.actions.find((action) => action.type === "comment_public_reply");
  if (reply) await enqueueCommentReply(run, { kind: "public", text: reply.text });
}
