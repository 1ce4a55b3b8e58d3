import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { prisma } from "@/lib/db/client";
import { markChannelNeedsReauth } from "@/lib/channels/lifecycle/mark-needs-reauth";
import { ProviderError } from "@/lib/channels/provider-error";
import { sendViaChannel } from "@/lib/channels/send-via-channel";
import type { ChannelKind, OutboundMessage } from "@/lib/channels/types";
import { addTraces, applyPendingStatuses } from "@/lib/inbox/ingest/apply-event";
import { isThroughputLimit, slowDownChannel } from "@/lib/campaigns/dispatch/reserve-send-slots";
import { getPgPool, preparedQuery } from "@/lib/db/pg";
import { insertJobs } from "@/lib/jobs/insert-jobs";
import { queues } from "@/lib/jobs/queues";
import { wakeWorkers } from "@/lib/jobs/wake-workers";
import type { BatchJob, BatchOutcome } from "@/lib/jobs/registry";
import { asError, inLanes } from "@/lib/jobs/in-lanes";

export const sendMessagePayload = z.object({
  messageId: z.string().min(1),
  /** How many times this send already waited for an earlier message of its conversation (see waitForPredecessor). */
  waits: z.number().int().min(0).optional(),
});

const storedOutbound = z.object({ outbound: z.custom<OutboundMessage>((value) => typeof value === "object" && value !== null && "type" in value) });

type Meta = { retryCount: number; retryLimit: number };

/**
 * Job: send one pending outbound message through its channel. Idempotent: a message that has a
 * provider id or is no longer pending is never sent again, and concurrent jobs for one message
 * send it once (compare-and-set claim below). Provider errors decide the outcome:
 * retry → throw (pg-boss backs off); reauth → channel marked "needs re-auth", message failed;
 * permanent → message failed with the provider's reason, shown in the inbox.
 */
export async function handleSendMessage(data: unknown, meta: Meta = { retryCount: 0, retryLimit: 0 }) {
  const { messageId, waits = 0 } = sendMessagePayload.parse(data);
  const message = (await loadMessages([messageId])).get(messageId);
  if (!message || message.externalId || message.status !== "pending") return { skipped: true };
  if (message.isAutoReply && (await waitForPredecessor({ messageId: message.id, waits }))) return { deferred: true };
  if (message.sendAttemptAt && message.updatedAt.getTime() <= Date.now()) {
    const settled = await settleInterruptedAttempt({ ...message, sendAttemptAt: message.sendAttemptAt });
    if ("failed" in settled) return settled;
    message.updatedAt = settled.updatedAt;
  }
  const lease = await claimSendLease(message);

  // Broadcasts and bots check opt-out when they queue; a STOP that arrived since still wins.
  if (isOptedOutSince(message)) {
    await releaseSendLease(message.id, lease);
    await markFailed(message.id, message.workspaceId, "contact_opted_out", "The contact opted out of messages (STOP) before this message went out: it was not sent");
    return { failed: true };
  }

  if (isChannelUnavailable(message)) {
    await markFailed(message.id, message.workspaceId, "channel_unavailable", "The channel needs to be reconnected before messages can be sent");
    return { failed: true };
  }

  try {
    const result = await callProvider(message);
    await storeSendResult({ message, externalId: result.externalId, delivered: message.channel.type === "sandbox" });
    if (message.isAutoReply) await releaseSuccessors([message.id]);
    return { externalId: result.externalId };
  } catch (error) {
    return handleSendError({ message, lease, error, meta });
  }
}

/**
 * Job batch: the common case of many sends (a campaign, bots answering many people) in a few
 * statements for the whole batch instead of a few per message: one load, one lease claim, the
 * provider calls side by side, one statement storing every result. The lease is the same
 * compare-and-set as a single send's, committed before any provider call, so exactly-once holds
 * as it does one by one. Anything out of the ordinary — an interrupted earlier attempt, an
 * automated message waiting for an earlier one of its conversation, a contact who opted out
 * since, a channel to reconnect, a lease held elsewhere — goes through handleSendMessage, which
 * decides it exactly as before. Outcomes are per job: a failure retries that job only.
 */
export async function handleSendMessages(jobs: BatchJob[], { parallelism }: { parallelism: number }): Promise<BatchOutcome[]> {
  const outcomes: BatchOutcome[] = jobs.map(() => ({}));
  const payloads = jobs.map((job) => sendMessagePayload.safeParse(job.data));
  const ids = [...new Set(payloads.flatMap((payload) => (payload.success ? [payload.data.messageId] : [])))];
  const messages = await loadMessages(ids, { withPredecessorCheck: true });
  const now = Date.now();
  const fast: { index: number; message: LoadedMessage }[] = [];
  const slow: number[] = [];
  const taken = new Set<string>();
  for (const [index, payload] of payloads.entries()) {
    if (!payload.success) {
      outcomes[index] = { error: new Error(`Invalid send job payload: ${payload.error.issues[0]?.message ?? "unknown"}`) };
      continue;
    }
    const message = messages.get(payload.data.messageId);
    if (!message || message.externalId || message.status !== "pending") continue; // sent or gone: nothing to do
    const ordinary =
      !taken.has(message.id) && !message.sendAttemptAt && message.updatedAt.getTime() <= now && !message.waitsForPredecessor && !isOptedOutSince(message) && !isChannelUnavailable(message);
    taken.add(message.id);
    if (ordinary) fast.push({ index, message });
    else slow.push(index);
  }

  const lease = new Date(now + SEND_LEASE_MS);
  const claimed = await claimSendLeases(fast.map(({ message }) => message), { lease, now: new Date(now) });
  const sent: { index: number; message: LoadedMessage; externalId: string }[] = [];
  const calls = fast.filter(({ index, message }) => {
    if (claimed.has(message.id)) return true;
    outcomes[index] = { error: new Error(LEASE_HELD) };
    return false;
  });
  await inLanes(calls, parallelism, async ({ index, message }) => {
    try {
      const result = await callProvider(message);
      sent.push({ index, message, externalId: result.externalId });
    } catch (error) {
      outcomes[index] = await handleSendError({ message, lease, error, meta: jobs[index]!.meta }).then(() => ({}), (thrown: unknown) => ({ error: asError(thrown) }));
    }
  });

  try {
    const stored = await storeSendResults(sent.map(({ message, externalId }) => ({ message, externalId, delivered: message.channel.type === "sandbox" })));
    for (const { message, externalId } of sent) {
      if (!stored.has(message.id)) await storeSendResultSlowly({ message, externalId, delivered: message.channel.type === "sandbox" });
    }
    await releaseSuccessors(sent.filter(({ message }) => message.isAutoReply).map(({ message }) => message.id));
  } catch (error) {
    // The provider accepted these but their results are not stored: the jobs retry, and find
    // the interrupted attempts (sendAttemptAt) — settled without sending twice.
    for (const { index } of sent) outcomes[index] = { error: asError(error) };
  }

  await inLanes(slow, parallelism, async (index) => {
    const job = jobs[index]!;
    outcomes[index] = await handleSendMessage(job.data, job.meta).then(() => ({}), (thrown: unknown) => ({ error: asError(thrown) }));
  });
  return outcomes;
}

type SendableMessage = { idempotencyKey: string | null; messageTag: string | null; replyToExternalId: string | null; id: string; conversation: { contact: { externalId: string } }; channel: LoadedMessage["channel"]; content: unknown };

function callProvider(message: SendableMessage) {
  const { outbound } = storedOutbound.parse(message.content);
  return sendViaChannel({
    channel: message.channel,
    to: message.conversation.contact.externalId,
    message: outbound,
    options: {
      idempotencyKey: message.idempotencyKey ?? message.id,
      messageTag: message.messageTag === "HUMAN_AGENT" ? "HUMAN_AGENT" : undefined,
      replyToExternalId: message.replyToExternalId ?? undefined,
    },
  });
}

/** A broadcast or bot message to a contact who sent STOP after it was queued (the STOP's own confirmation excepted). */
function isOptedOutSince(message: { senderType: string; conversation: { contact: { optedOut: boolean } }; idempotencyKey: string | null }): boolean {
  return (message.senderType === "campaign" || message.senderType === "flow") && message.conversation.contact.optedOut && !isOptOutConfirmation(message.idempotencyKey);
}

function isChannelUnavailable(message: { channel: { status: string } }): boolean {
  return message.channel.status === "needs_reauth" || message.channel.status === "disconnected";
}

type HandleSendErrorOptions = { message: LoadedMessage; lease: Date; error: unknown; meta: Meta };

/**
 * A provider call that failed: gives the lease back, records the error, and either throws (a
 * retryable error with retries left: pg-boss backs off) or fails the message for good with the
 * provider's reason (a token error also marks the channel "needs re-auth").
 */
async function handleSendError({ message, lease, error, meta }: HandleSendErrorOptions): Promise<{ failed: true }> {
  // Whatever happens next (a retry, a failure), this attempt no longer holds the message.
  await releaseSendLease(message.id, lease);
  if (!(error instanceof ProviderError)) throw error;
  await prisma.$transaction((tx) =>
    addTraces(tx, message.workspaceId, message.id, null, [{ step: "send_error", detail: { kind: error.kind, code: error.code, reason: error.reason, attempt: meta.retryCount + 1 } }]),
  );
  // Too fast for the provider: broadcasts on this channel pause for the time it asked for.
  if (error.kind === "retry" && isThroughputLimit(error)) await slowDownChannel(getPgPool(), message.channel.id, error.retryAfterSeconds ?? 10);
  if (error.kind === "retry" && meta.retryCount < meta.retryLimit) throw error;
  if (error.kind === "reauth") await markChannelNeedsReauth({ channelId: message.channel.id, reason: error.reason, code: error.code });
  const reason = error.kind === "retry" ? `${error.reason} (gave up after ${meta.retryCount + 1} attempts)` : error.reason;
  await markFailed(message.id, message.workspaceId, error.code, reason);
  if (message.isAutoReply) await releaseSuccessors([message.id]);
  return { failed: true };
}

const loadedMessage = z.object({
  id: z.string(),
  workspaceId: z.string(),
  status: z.string(),
  externalId: z.string().nullable(),
  content: z.unknown(),
  messageTag: z.string().nullable(),
  idempotencyKey: z.string().nullable(),
  replyToExternalId: z.string().nullable(),
  updatedAt: z.date(),
  isAutoReply: z.boolean(),
  sendAttemptAt: z.date().nullable(),
  senderType: z.string(),
  contactExternalId: z.string(),
  contactOptedOut: z.boolean(),
  channelId: z.string(),
  channelType: z.string(),
  channelStatus: z.string(),
  credentialsEncrypted: z.string().nullable(),
});

// The send job is on the path of every message the app sends (one per campaign recipient, one
// per bot reply): its common path is a few plain SQL statements rather than Prisma queries,
// whose per-query cost on the JS engine was ~40 % of a worker's CPU under load (bench:flows).

type LoadedMessage = z.infer<typeof loadedMessage> & {
  conversation: { contact: { externalId: string; optedOut: boolean } };
  channel: { id: string; type: ChannelKind; status: string; credentialsEncrypted: string | null };
  /** An automated message with an earlier one of its conversation still pending (only when asked for). */
  waitsForPredecessor: boolean;
};

/**
 * The messages with what sending needs (contact address and opt-out, channel and credentials),
 * in one query; with withPredecessorCheck, also whether an automated one has to wait for an
 * earlier automated message of its conversation (see waitForPredecessor).
 */
async function loadMessages(ids: string[], { withPredecessorCheck = false } = {}): Promise<Map<string, LoadedMessage>> {
  if (ids.length === 0) return new Map();
  const { rows } = await getPgPool().query(
    preparedQuery(
      withPredecessorCheck ? "send-message-load-batch" : "send-message-load",
      `SELECT m.id, m."workspaceId", m.status::text AS status, m."externalId", m.content, m."messageTag", m."idempotencyKey", m."replyToExternalId",
              m."updatedAt" AT TIME ZONE 'UTC' AS "updatedAt", m."isAutoReply", m."sendAttemptAt" AT TIME ZONE 'UTC' AS "sendAttemptAt", m."senderType"::text AS "senderType",
              ct."externalId" AS "contactExternalId", ct."optedOut" AS "contactOptedOut",
              ch.id AS "channelId", ch.type::text AS "channelType", ch.status::text AS "channelStatus", ch."credentialsEncrypted",
              ${withPredecessorCheck ? `m."isAutoReply" AND EXISTS (${PENDING_PREDECESSOR_SQL})` : "false"} AS "waitsForPredecessor"
         FROM "Message" m
         JOIN "Conversation" c ON c.id = m."conversationId"
         JOIN "Contact" ct ON ct.id = c."contactId"
         JOIN "Channel" ch ON ch.id = m."channelId"
        WHERE m.id = ANY($1::text[])`,
      withPredecessorCheck ? [ids, ORDER_WAIT_MAX_MS] : [ids],
    ),
  );
  const messages = new Map<string, LoadedMessage>();
  for (const raw of rows) {
    const row = loadedMessage.parse(raw);
    messages.set(row.id, {
      ...row,
      waitsForPredecessor: (raw as { waitsForPredecessor?: unknown }).waitsForPredecessor === true,
      conversation: { contact: { externalId: row.contactExternalId, optedOut: row.contactOptedOut } },
      channel: { id: row.channelId, type: row.channelType as ChannelKind, status: row.channelStatus, credentialsEncrypted: row.credentialsEncrypted },
    });
  }
  return messages;
}

type StoreSendResultOptions = { message: { id: string; workspaceId: string; channel: { id: string } }; externalId: string; delivered: boolean };

/**
 * Stores the provider's id and the "sent" (Sandbox: "delivered") status with its trace, and
 * gives the lease back (updatedAt = now). The id can already be there when an echo arrived
 * first: that one is kept. Statuses that arrived before the id (PendingStatus, rare) are applied
 * in the same transaction by the general path.
 */
async function storeSendResult(result: StoreSendResultOptions) {
  const stored = await storeSendResults([result]);
  if (!stored.has(result.message.id)) await storeSendResultSlowly(result);
}

/**
 * The common case of storeSendResult for several sends in one statement: messages still without
 * a provider id and no status waiting for theirs. Returns the ids it stored; the others (a status
 * that arrived before the id, an id an echo stored first) need storeSendResultSlowly.
 */
async function storeSendResults(results: StoreSendResultOptions[]): Promise<Set<string>> {
  if (results.length === 0) return new Set();
  const { rows } = await getPgPool().query<{ id: string }>(
    preparedQuery(
      "send-message-sent-batch",
      `WITH input AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[]) AS s(id, external_id, channel_id, status, trace_id, detail)
       ),
       eligible AS (
         SELECT i.* FROM input i
          WHERE NOT EXISTS (SELECT 1 FROM "PendingStatus" p WHERE p."channelId" = i.channel_id AND p."externalId" = i.external_id)
       ),
       updated AS (
         UPDATE "Message" m SET
           "externalId" = e.external_id,
           status = e.status::"DeliveryStatus",
           "statusAt" = timezone('UTC', now()),
           "sentAt" = timezone('UTC', now()),
           "errorCode" = NULL,
           "errorMessage" = NULL,
           "sendAttemptAt" = NULL,
           "updatedAt" = timezone('UTC', now())
         FROM eligible e
         WHERE m.id = e.id AND m."externalId" IS NULL
         RETURNING m.id, m."workspaceId", e.status, e.trace_id, e.detail
       ),
       traced AS (
         INSERT INTO "MessageTrace" (id, "workspaceId", "messageId", "webhookEventId", step, detail, "createdAt")
         SELECT trace_id, "workspaceId", id, NULL, status, detail, $7::timestamptz AT TIME ZONE 'UTC' FROM updated
       )
       SELECT id FROM updated`,
      [
        results.map(({ message }) => message.id),
        results.map(({ externalId }) => externalId),
        results.map(({ message }) => message.channel.id),
        results.map(({ delivered }) => (delivered ? "delivered" : "sent")),
        results.map(() => randomUUID()),
        results.map(({ externalId }) => JSON.stringify({ externalId })),
        new Date(),
      ],
    ),
  );
  return new Set(rows.map((row) => row.id));
}

/** The general path of storing a send's result: an id already there (echo) is kept, statuses that arrived first are applied. */
async function storeSendResultSlowly({ message, externalId, delivered }: StoreSendResultOptions) {
  const status = delivered ? "delivered" : "sent";
  await prisma.$transaction(async (tx) => {
    const { count } = await tx.message.updateMany({
      where: { id: message.id, externalId: null },
      data: { externalId, status, statusAt: new Date(), sentAt: new Date(), errorCode: null, errorMessage: null, sendAttemptAt: null },
    });
    if (count === 0) {
      await tx.message.updateMany({ where: { id: message.id, status: "pending" }, data: { status: "sent", sentAt: new Date(), sendAttemptAt: null } });
    }
    await applyPendingStatuses(tx, message.channel.id, externalId);
    await addTraces(tx, message.workspaceId, message.id, null, [{ step: status, detail: { externalId } }]);
  });
}

// Per-conversation order of automated messages. A flow's consecutive messages to one person are
// queued together, each with its own send job, due a second apart (lib/flows/runner/pace-sends.ts).
// Spacing alone cannot keep them in order: under a backlog two jobs can be fetched together by
// different workers, and a send that fails with a retryable error waits out its backoff (5 s, 10 s,
// …) while the next message's job runs. So a send first checks the conversation's EARLIER automated
// messages (thread order: createdAt, then id; a paced message's createdAt is when it is due): while
// one is still pending (queued, being sent or waiting for its retry), this send is postponed — a new
// job a little later, the current one completes — and never overtakes it. When the earlier message
// is sent or has failed for good, it hands over at once (releaseSuccessor). A predecessor pending
// for longer than ORDER_WAIT_MAX_MS (its job lost to a crash past every retry) stops holding the
// others back: order is kept for the retries of a live send, not forever.

/** Earlier messages pending for longer than this no longer hold later ones back. */
export const ORDER_WAIT_MAX_MS = 30 * 60 * 1000;
/** First wait 250 ms, doubling up to 5 s: a backlog clears quickly, a retry takes seconds. */
const WAIT_BASE_MS = 250;
const WAIT_MAX_MS = 5000;

/**
 * True when an earlier automated message of the same conversation is still pending: a later send
 * job has then been queued for this message (if the process dies before this job completes, the
 * job runs again and queues another; a duplicate job only finds the message sent and skips).
 */
async function waitForPredecessor({ messageId, waits }: { messageId: string; waits: number }): Promise<boolean> {
  const pool = getPgPool();
  const { rowCount } = await pool.query(`SELECT 1 FROM "Message" m WHERE m.id = $1 AND EXISTS (${PENDING_PREDECESSOR_SQL})`, [messageId, ORDER_WAIT_MAX_MS]);
  if (!rowCount) return false;
  const delayMs = Math.min(WAIT_BASE_MS * 2 ** waits, WAIT_MAX_MS);
  await insertJobs({ client: pool, queue: queues.sendMessage.name, jobs: [{ data: { messageId, waits: waits + 1 }, startAfter: new Date(Date.now() + delayMs) }] });
  return true;
}

/** An earlier automated message of m's conversation still pending (recently enough to hold m back); $2 = ORDER_WAIT_MAX_MS. */
const PENDING_PREDECESSOR_SQL = `SELECT 1 FROM "Message" p
   WHERE p."conversationId" = m."conversationId" AND p.direction = 'outbound' AND p."isAutoReply" AND p.status = 'pending' AND p."externalId" IS NULL AND p.id <> m.id
     AND (p."createdAt", p.id) < (m."createdAt", m.id)
     AND p."createdAt" > timezone('UTC', now()) - $2 * interval '1 millisecond'`;

/**
 * After messages were sent or failed for good: each one's conversation's next automated message,
 * when it is pending and already due (it waited for this one), gets a send job now instead of at
 * its postponed time. Not due yet (normal pacing): its own job runs when it is.
 */
async function releaseSuccessors(messageIds: string[]) {
  if (messageIds.length === 0) return;
  const pool = getPgPool();
  const { rows } = await pool.query<{ id: string }>(
    `SELECT DISTINCT n.id
       FROM unnest($1::text[]) AS s(id)
       JOIN "Message" m ON m.id = s.id
       CROSS JOIN LATERAL (
         SELECT n.id, n.status, n."externalId", n."createdAt" FROM "Message" n
          WHERE n."conversationId" = m."conversationId" AND n.direction = 'outbound' AND n."isAutoReply" AND n.id <> m.id
            AND (n."createdAt", n.id) > (m."createdAt", m.id)
          ORDER BY n."createdAt", n.id LIMIT 1
       ) n
      WHERE n.status = 'pending' AND n."externalId" IS NULL AND n."createdAt" <= timezone('UTC', now())`,
    [messageIds],
  );
  if (rows.length === 0) return;
  await insertJobs({ client: pool, queue: queues.sendMessage.name, jobs: rows.map((row) => ({ data: { messageId: row.id } })) });
  wakeWorkers([queues.sendMessage.name]);
}

/** How long one attempt holds a message: well past the provider timeout (15 s per request). */
const SEND_LEASE_MS = 60_000;

const LEASE_HELD = "Another attempt is sending this message right now; trying again later";

/**
 * Claims the message for this attempt so two jobs never call the provider for it at once (a
 * retry queued while an expired job was re-delivered, a job failed back by a shutdown while its
 * request was still in flight). The claim is Message.updatedAt moved SEND_LEASE_MS ahead, by
 * compare-and-set on the value just read; every later write (sent, failed) moves it back to now.
 * A message held by another attempt throws, so pg-boss tries again after its backoff: by then
 * the other attempt has sent it (this job then skips) or its lease has run out (it died).
 */
async function claimSendLease(message: { id: string; updatedAt: Date }): Promise<Date> {
  const now = Date.now();
  const lease = new Date(now + SEND_LEASE_MS);
  const claimed = message.updatedAt.getTime() <= now ? await claimSendLeases([message], { lease, now: new Date(now) }) : new Set<string>();
  if (!claimed.has(message.id)) throw new Error(LEASE_HELD);
  return lease;
}

/** claimSendLease for several messages in one statement (one commit before their provider calls); returns the ids claimed. */
async function claimSendLeases(messages: { id: string; updatedAt: Date }[], { lease, now }: { lease: Date; now: Date }): Promise<Set<string>> {
  if (messages.length === 0) return new Set();
  const { rows } = await getPgPool().query<{ id: string }>(
    preparedQuery(
      "send-message-lease",
      `UPDATE "Message" m SET "updatedAt" = $2::timestamptz AT TIME ZONE 'UTC', "sendAttemptAt" = $3::timestamptz AT TIME ZONE 'UTC'
         FROM unnest($1::text[], $4::timestamptz[]) AS s(id, seen)
        WHERE m.id = s.id AND m.status = 'pending' AND m."externalId" IS NULL AND m."updatedAt" = s.seen AT TIME ZONE 'UTC'
        RETURNING m.id`,
      [messages.map((message) => message.id), lease, now, messages.map((message) => message.updatedAt)],
    ),
  );
  return new Set(rows.map((row) => row.id));
}

// An attempt that died mid-call (its process was killed after claiming the message and before
// storing the provider's answer) leaves sendAttemptAt set and its lease run out. The provider may
// have accepted the message, and none of them offers an idempotent send, so sending again blindly
// could deliver it twice. What happens instead depends on what the provider tells us afterwards:
// - WhatsApp Cloud API: every send carries our idempotency key as biz_opaque_callback_data, and
//   Meta's status webhooks echo it; an accepted message gets its "sent" status within seconds, and
//   ingestion then adopts the provider id (lib/inbox/ingest/apply-event.ts applyStatus). So the job
//   waits (retries) up to SEND_RECONCILE_MS after the interrupted call; if no status named the
//   message by then, Meta did not accept it and it is sent again.
// - Sandbox: nothing leaves the app; sent again.
// - Instagram and Twilio: no such echo is wired here, so the message is failed with a reason a
//   person can act on rather than risk a second delivery.
const SEND_RECONCILE_MS = Number(process.env.SEND_RECONCILE_SECONDS ?? 120) * 1000;

type InterruptedMessage = { id: string; workspaceId: string; updatedAt: Date; sendAttemptAt: Date; channel: { type: string } };

/** Fails the message, or says it may be sent now (with the row's updatedAt for the lease claim); throws to wait. */
async function settleInterruptedAttempt(message: InterruptedMessage): Promise<{ failed: true } | { updatedAt: Date }> {
  if (message.channel.type === "sandbox") return { updatedAt: message.updatedAt };
  if (message.channel.type === "whatsapp_cloud") {
    const waited = Date.now() - message.sendAttemptAt.getTime();
    if (waited < SEND_RECONCILE_MS) {
      throw new Error(`An earlier attempt stopped mid-call ${Math.round(waited / 1000)} s ago; waiting for WhatsApp's status webhook before deciding to send again`);
    }
    const cleared = await prisma.message.updateMany({ where: { id: message.id, status: "pending", externalId: null, updatedAt: message.updatedAt }, data: { sendAttemptAt: null } });
    if (cleared.count === 0) throw new Error("The message changed while settling an interrupted attempt; trying again later");
    await prisma.$transaction((tx) => addTraces(tx, message.workspaceId, message.id, null, [{ step: "send_unconfirmed", detail: { attemptAt: message.sendAttemptAt.toISOString(), waitedMs: waited } }]));
    // Prisma moved updatedAt (@updatedAt): the lease is claimed against the new value.
    const current = await prisma.message.findUniqueOrThrow({ where: { id: message.id }, select: { updatedAt: true } });
    return { updatedAt: current.updatedAt };
  }
  await markFailed(
    message.id,
    message.workspaceId,
    "outcome_unknown",
    "Switchboard stopped while this message was being sent, and the provider may or may not have accepted it. It was not sent again, so that it is never delivered twice: check the conversation and send it again if needed.",
  );
  return { failed: true };
}

/** The confirmation of a STOP (lib/flows/runner: key "optout:…") goes to a contact who just opted out, by design. */
function isOptOutConfirmation(idempotencyKey: string | null): boolean {
  return idempotencyKey?.startsWith("optout:") ?? false;
}

async function releaseSendLease(messageId: string, lease: Date) {
  await prisma.message.updateMany({ where: { id: messageId, updatedAt: lease }, data: { updatedAt: new Date(), sendAttemptAt: null } });
}

async function markFailed(messageId: string, workspaceId: string, code: string, reason: string) {
  await prisma.$transaction(async (tx) => {
    await tx.message.update({ where: { id: messageId }, data: { status: "failed", errorCode: code, errorMessage: reason, statusAt: new Date(), sendAttemptAt: null } });
    await addTraces(tx, workspaceId, messageId, null, [{ step: "failed", detail: { code, reason } }]);
  });
}
