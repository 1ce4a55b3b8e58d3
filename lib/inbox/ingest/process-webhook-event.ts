import "server-only";
import { getPgPool, withPgTransaction } from "@/lib/db/pg";
import { logger } from "@/lib/logger";
import type { InternalEvent, ParsedWebhook } from "@/lib/channels/types";
import type { WebhookProvider } from "@/lib/generated/prisma/enums";
import { applyEvent, type IngestChannel } from "./apply-event";
import { applyInboundMessages, type InboundMessageItem } from "./apply-inbound-messages";
import { parseStoredEvent } from "./parse-stored-event";
import { needsProfileRefresh } from "./profile-cache";
import { resolveChannel } from "./resolve-channel";
import { asError } from "@/lib/jobs/in-lanes";

export type ProcessResult = {
  status: "processed" | "ignored" | "failed" | "skipped";
  applied: number;
  contactIds: string[];
  messageIds: string[];
  /** Instagram contacts of this delivery whose cached profile may be missing or stale. */
  profileContactIds: string[];
};

/** One per processed id: the result, or the error that should make its job retry. */
export type ProcessOutcome = { result: ProcessResult; error?: undefined } | { result?: undefined; error: Error };

/**
 * Processes one stored delivery: parse, route every event of the batch to its channel, apply
 * each idempotently, and record the outcome on the event row. A body no parser understands is
 * marked failed (retrying cannot help); database errors are thrown so the job is retried.
 */
export async function processWebhookEvent(eventId: string): Promise<ProcessResult> {
  const [outcome] = await processWebhookEvents([eventId]);
  if (outcome.error) throw outcome.error;
  return outcome.result;
}

type Delivery = {
  id: string;
  provider: WebhookProvider;
  body: string;
  receivedAt: Date;
  channelId: string | null;
  workspaceId: string | null;
};

type Work = {
  delivery: Delivery;
  parsed?: ParsedWebhook;
  parseError?: string;
  ignored: { reason: string; path?: string }[];
  messages: InboundMessageItem[];
  /** Every other kind of event, applied one by one after the messages, in delivery order. */
  others: { channel: IngestChannel; event: InternalEvent }[];
  routedChannel: IngestChannel | null;
  result: ProcessResult;
  error?: Error;
};

/**
 * processWebhookEvent for many deliveries at once (a worker's batch of jobs), with the same
 * outcome as processing them one after the other in `eventIds` order, at a fraction of the cost:
 * the rows are read and marked in one statement each, and all inbound messages of all deliveries
 * are applied set-based in one transaction (applyInboundMessages). Other events (statuses,
 * echoes, reactions...) are applied one by one afterwards. If the batch transaction fails, each
 * delivery is retried on its own, so one bad delivery fails alone. Never throws: returns one
 * outcome per id, in order; an error outcome means "retry this job".
 */
export async function processWebhookEvents(eventIds: string[]): Promise<ProcessOutcome[]> {
  let work: Work[];
  try {
    work = await prepare([...new Set(eventIds)]);
  } catch (error) {
    return eventIds.map(() => ({ error: asError(error) }));
  }
  await applyMessages(work);
  for (const item of work) if (!item.error && !item.parseError) await applyOthers(item);
  try {
    await recordOutcomes(work);
  } catch (error) {
    return eventIds.map(() => ({ error: asError(error) }));
  }
  const byId = new Map(work.map((item) => [item.delivery.id, item]));
  const skipped: ProcessResult = { status: "skipped", applied: 0, contactIds: [], messageIds: [], profileContactIds: [] };
  return eventIds.map((id) => {
    const item = byId.get(id);
    if (!item) return { result: skipped };
    return item.error ? { error: item.error } : { result: item.result };
  });
}

/** Reads the deliveries still to do (not processed or ignored yet), parsed and routed. */
async function prepare(ids: string[]): Promise<Work[]> {
  const { rows } = await getPgPool().query<Delivery>(
    `SELECT id, provider::text AS provider, body, ("receivedAt" AT TIME ZONE 'UTC') AS "receivedAt", "channelId", "workspaceId"
     FROM "WebhookEvent" WHERE id = ANY($1::text[]) AND status NOT IN ('processed', 'ignored')`,
    [ids],
  );
  const order = new Map(ids.map((id, index) => [id, index]));
  rows.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  const channels = new Map<string, IngestChannel | null>();
  const work: Work[] = [];
  for (const delivery of rows) {
    const item: Work = { delivery, ignored: [], messages: [], others: [], routedChannel: null, result: { status: "processed", applied: 0, contactIds: [], messageIds: [], profileContactIds: [] } };
    work.push(item);
    try {
      item.parsed = parseStoredEvent({ provider: delivery.provider, body: delivery.body, receivedAt: delivery.receivedAt });
    } catch (error) {
      item.parseError = `Could not parse the delivery: ${error instanceof Error ? error.message.slice(0, 500) : "unreadable payload"}`;
      item.result.status = "failed";
      logger.warn({ eventId: delivery.id, provider: delivery.provider }, "webhook event could not be parsed");
      continue;
    }
    item.ignored.push(...item.parsed.ignored);
    for (const internal of item.parsed.events) {
      const channel = await resolveChannel({ cache: channels, provider: delivery.provider, endpointChannelId: delivery.channelId, endpointWorkspaceId: delivery.workspaceId, internal });
      if (!channel) {
        item.ignored.push({ reason: `no connected channel for account ${internal.accountId}`, path: internal.kind });
        continue;
      }
      item.routedChannel ??= channel;
      if (internal.kind === "message") item.messages.push({ channel, event: internal, webhookEventId: delivery.id });
      else item.others.push({ channel, event: internal });
    }
    // "ignored" only when nothing in the delivery was for a channel of ours.
    if (!item.routedChannel && item.ignored.length > 0) item.result.status = "ignored";
  }
  return work;
}

// The outcome written right after and pg-boss's completion of the jobs are synchronous commits,
// and WAL is flushed in order: they make these writes durable (a crash before them reruns the
// jobs). Waiting for the disk here too only added a WAL flush per batch, in the acks' way.
const JOB_WORK = { synchronousCommit: false };

async function applyMessages(work: Work[]) {
  const withMessages = work.filter((item) => item.messages.length > 0);
  if (withMessages.length === 0) return;
  try {
    const applied = await withPgTransaction((client) => applyInboundMessages(client, withMessages.flatMap((item) => item.messages)), JOB_WORK);
    let offset = 0;
    for (const item of withMessages) {
      collectMessages(item, applied.slice(offset, offset + item.messages.length));
      offset += item.messages.length;
    }
  } catch (error) {
    if (withMessages.length === 1) {
      withMessages[0].error = asError(error);
      return;
    }
    // Something in the batch failed (a deadlock, a row that breaks a constraint...): each
    // delivery on its own, so the others still go through.
    logger.warn({ err: { message: asError(error).message }, deliveries: withMessages.length }, "batch apply failed; applying deliveries one by one");
    for (const item of withMessages) {
      try {
        collectMessages(item, await withPgTransaction((client) => applyInboundMessages(client, item.messages), JOB_WORK));
      } catch (single) {
        item.error = asError(single);
      }
    }
  }
}

function collectMessages(item: Work, applied: Awaited<ReturnType<typeof applyInboundMessages>>) {
  for (const [index, message] of applied.entries()) {
    const channel = item.messages[index].channel;
    addContact(item, message.contactId);
    if (channel.type === "instagram" && needsProfileRefresh(message.profileFetchedAt)) item.result.profileContactIds.push(message.contactId);
    if (message.messageId) {
      item.result.applied++;
      item.result.messageIds.push(message.messageId);
    }
  }
}

async function applyOthers(item: Work) {
  try {
    for (const { channel, event } of item.others) {
      const result = await applyEvent({ channel, event, webhookEventId: item.delivery.id });
      if (result.changed) item.result.applied++;
      if (result.contactId) {
        addContact(item, result.contactId);
        // The profile job checks the cache itself: only Instagram has profiles to fetch.
        if (channel.type === "instagram") item.result.profileContactIds.push(result.contactId);
      }
      if (result.messageId && result.changed) item.result.messageIds.push(result.messageId);
    }
  } catch (error) {
    item.error = asError(error);
  }
}

function addContact(item: Work, contactId: string) {
  if (!item.result.contactIds.includes(contactId)) item.result.contactIds.push(contactId);
}

/**
 * One statement for the whole batch: processed/ignored with counts and routing, failed with the
 * reason. A delivery whose apply failed is marked failed without processedAt (its job retries).
 * The attempt is counted here, with the outcome, rather than in a write of its own up front: an
 * attempt cut short by a crash is not counted (pg-boss's retry count still is).
 */
async function recordOutcomes(work: Work[]) {
  if (work.length === 0) return;
  const rows = work.map((item) => {
    if (item.parseError) return { item, status: "failed", eventCount: null, ignored: null, lastError: item.parseError, finished: true };
    if (item.error) return { item, status: "failed", eventCount: null, ignored: null, lastError: item.error.message.slice(0, 500), finished: false };
    return { item, status: item.result.status, eventCount: item.parsed?.events.length ?? 0, ignored: item.ignored.length ? JSON.stringify(item.ignored) : null, lastError: null, finished: true };
  });
  await getPgPool().query(
    `UPDATE "WebhookEvent" e SET
       attempts = e.attempts + 1,
       status = u.status::"WebhookEventStatus",
       "eventCount" = COALESCE(u.event_count, e."eventCount"),
       ignored = COALESCE(u.ignored, e.ignored),
       "lastError" = u.last_error,
       "processedAt" = CASE WHEN u.finished THEN clock_timestamp() AT TIME ZONE 'UTC' ELSE e."processedAt" END,
       "workspaceId" = COALESCE(e."workspaceId", u.workspace_id),
       "channelId" = COALESCE(e."channelId", u.channel_id)
     FROM unnest($1::text[], $2::text[], $3::int[], $4::jsonb[], $5::text[], $6::bool[], $7::text[], $8::text[])
       AS u(id, status, event_count, ignored, last_error, finished, workspace_id, channel_id)
     WHERE e.id = u.id`,
    [
      rows.map((row) => row.item.delivery.id),
      rows.map((row) => row.status),
      rows.map((row) => row.eventCount),
      rows.map((row) => row.ignored),
      rows.map((row) => row.lastError),
      rows.map((row) => row.finished),
      rows.map((row) => row.item.routedChannel?.workspaceId ?? null),
      rows.map((row) => row.item.routedChannel?.id ?? null),
    ],
  );
}
