import "server-only";
import { getPgPool, withPgTransaction, type SqlClient } from "@/lib/db/pg";
import { logger } from "@/lib/logger";
import { insertJobs } from "@/lib/jobs/insert-jobs";
import { queues } from "@/lib/jobs/queues";
import { wakeWorkers } from "@/lib/jobs/wake-workers";
import type { OutboundMessage } from "@/lib/channels/types";
import { evaluateSendPolicy, type SendRefusalCode } from "@/lib/inbox/compose/send-policy";
import { renderTemplate } from "@/lib/inbox/compose/template-variables";
import { toTemplateMessage } from "@/lib/inbox/compose/template-message";
import { queueOutboundMessages, type QueueOutboundBatchItem } from "@/lib/messaging/queue-outbound-message";
import { renderAutomatedText } from "@/lib/flows/runner/render-automated-text";
import { contentSchema, type CampaignContent } from "@/lib/campaigns/definition/content-schema";
import { DEFAULT_PACE, type CampaignChannelType } from "@/lib/campaigns/definition/channel-rules";
import { resolveVariables } from "@/lib/campaigns/definition/resolve-variables";
import { SKIP_REASON_TEXT } from "@/lib/campaigns/audience/audience-sql";
import { countBusinessInitiatedContacts, readMessagingLimit } from "./messaging-limit";
import { reserveSendSlots } from "./reserve-send-slots";
import { runCampaignFlow } from "./run-campaign-flow";

// The dispatcher of one running campaign (the campaign-dispatch job). It never calls a provider
// itself: each step, in ONE transaction, claims about a second's worth of pending recipients,
// checks each again at send time (opt-out, block, window, template variables, messaging limit),
// reserves send times on the channel's shared pace (ChannelPace) and stores each recipient's
// message with its message-send job due at its slot (lib/messaging/queue-outbound-message.ts), or
// marks the recipient skipped with the reason. Sending, retries with backoff, token errors and
// the per-message lease are the send job's (lib/jobs/handlers/send-message.ts), shared with the
// inbox, so a campaign message is sent at most once by the same rules as any other.
//
// Exactly one send per recipient: the recipient row moves pending → sending in the transaction
// that stores its message (idempotency key campaign:<campaign>:<contact>:<attempt>), so a crashed
// dispatcher's work is either entirely there (and the send job delivers it) or not at all (the
// recipient is still pending). One dispatcher per campaign at a time: a lease on the campaign row
// (dispatchLeaseUntil), renewed every step; a dispatcher runs for a slice and then queues its
// continuation, and the campaign watchdog restarts one whose lease ran out (its process died).
// Pausing, a token error or the messaging limit stop the campaign within a step: only what was
// already handed to the send queue (at most ~1 s of pace ahead) still goes out.

/** How far ahead of their send time messages are handed to the send queue. */
const HORIZON_MS = 1000;
/**
 * How long a dispatcher's claim on its campaign lasts without renewal (every step renews it; a
 * step sleeps at most a third of it). A dispatcher whose process died blocks the campaign for at
 * most this long before the job's retry (or the watchdog) takes over.
 */
const LEASE_MS = Number(process.env.CAMPAIGN_DISPATCH_LEASE_SECONDS ?? 20) * 1000;
const MAX_STEP = 200;

export type DispatchOptions = { sliceMs?: number; dispatcherId?: string };

export type DispatchResult = { outcome: "busy" | "finished" | "continued"; queued: number; skipped: number };

export async function dispatchCampaign(campaignId: string, { sliceMs = 50_000, dispatcherId = crypto.randomUUID() }: DispatchOptions = {}): Promise<DispatchResult> {
  const leased = await getPgPool().query(
    `UPDATE "Campaign" SET "dispatchLeaseUntil" = timezone('UTC', now()) + $2 * interval '1 millisecond'
      WHERE id = $1 AND status = 'running' AND ("dispatchLeaseUntil" IS NULL OR "dispatchLeaseUntil" < timezone('UTC', now()))`,
    [campaignId, LEASE_MS],
  );
  if (leased.rowCount === 0) return { outcome: "busy", queued: 0, skipped: 0 };
  const started = Date.now();
  const totals = { queued: 0, skipped: 0 };
  try {
    for (;;) {
      const step = await withPgTransaction((client) => dispatchStep(client, campaignId));
      // The step's first sends are due now: this process's send workers look at once instead of
      // at their next poll (up to 0.5 s: most of the launch → first send time at a high pace).
      if (step.queued > 0) wakeWorkers([queues.sendMessage.name]);
      totals.queued += step.queued;
      totals.skipped += step.skipped;
      if (step.kind === "flows") {
        const stopped = await runFlows(campaignId, step);
        totals.queued += step.items.length;
        if (stopped) return { outcome: "finished", ...totals };
        continue;
      }
      if (step.kind === "finished") return { outcome: "finished", ...totals };
      if (Date.now() - started > sliceMs) {
        await insertJobs({ client: getPgPool(), queue: queues.dispatchCampaign.name, jobs: [{ data: { campaignId } }] });
        return { outcome: "continued", ...totals };
      }
      const wait = step.kind === "queued" ? step.lastSlot.getTime() - HORIZON_MS - Date.now() : 1000;
      if (wait > 0) await sleep(Math.min(wait, LEASE_MS / 3));
    }
  } finally {
    await getPgPool()
      .query(`UPDATE "Campaign" SET "dispatchLeaseUntil" = NULL WHERE id = $1`, [campaignId])
      .catch((error: unknown) => logger.warn({ err: { message: String(error) }, campaignId, dispatcherId }, "could not release the campaign's dispatch lease"));
  }
}

type FlowItem = { recipientId: string; contact: { id: string; externalId: string }; attempt: number; slot: Date };

type Step =
  | { kind: "finished"; queued: number; skipped: number }
  | { kind: "waiting"; queued: 0; skipped: number }
  | { kind: "queued"; lastSlot: Date; queued: number; skipped: number }
  | { kind: "flows"; workspaceId: string; channelId: string; flowId: string; items: FlowItem[]; queued: 0; skipped: 0 };

/** Starts the campaign's flow for each claimed recipient at its slot; true when the campaign had to stop. */
async function runFlows(campaignId: string, step: Extract<Step, { kind: "flows" }>): Promise<boolean> {
  for (const item of step.items) {
    const wait = item.slot.getTime() - Date.now();
    if (wait > 0) await sleep(wait);
    const outcome = await runCampaignFlow({ workspaceId: step.workspaceId, channelId: step.channelId, campaignId, flowId: step.flowId, recipientId: item.recipientId, contact: item.contact, attempt: item.attempt });
    if (outcome.kind === "stop_campaign") {
      await withPgTransaction((client) => stopCampaign(client, campaignId, outcome.code, outcome.reason));
      return true;
    }
  }
  return false;
}

type CampaignState = {
  workspaceId: string; status: string; channelId: string; channelType: CampaignChannelType; channelStatus: string; channelReason: string | null;
  channelSettings: unknown; content: unknown; pacePerSecond: number | null;
};

type Candidate = {
  recipientId: string; contactId: string; attempts: number; externalId: string; displayName: string | null; username: string | null; phone: string | null;
  email: string | null; attributes: unknown; optedOut: boolean; conversationId: string | null; conversationStatus: "open" | "archived" | "blocked" | null; lastInboundAt: Date | null;
};

async function dispatchStep(client: SqlClient, campaignId: string): Promise<Step> {
  const { rows } = await client.query<CampaignState>(
    `SELECT c."workspaceId", c.status::text AS status, c."channelId", ch.type::text AS "channelType", ch.status::text AS "channelStatus",
            ch."statusReason" AS "channelReason", ch.settings AS "channelSettings", c.content, c."pacePerSecond"
       FROM "Campaign" c JOIN "Channel" ch ON ch.id = c."channelId" WHERE c.id = $1`,
    [campaignId],
  );
  const campaign = rows[0];
  if (!campaign || campaign.status !== "running") return { kind: "finished", queued: 0, skipped: 0 };
  if (campaign.channelStatus === "needs_reauth" || campaign.channelStatus === "disconnected") {
    await stopCampaign(client, campaignId, "channel_needs_reauth", `Stopped: the channel needs to be reconnected${campaign.channelReason ? ` (${campaign.channelReason})` : ""}. Reconnect it, then resume the campaign: recipients not sent yet will be sent.`);
    return { kind: "finished", queued: 0, skipped: 0 };
  }
  await client.query(`UPDATE "Campaign" SET "dispatchLeaseUntil" = timezone('UTC', now()) + $2 * interval '1 millisecond' WHERE id = $1`, [campaignId, LEASE_MS]);

  const content = contentSchema.parse(campaign.content);
  const pace = campaign.pacePerSecond ?? DEFAULT_PACE[campaign.channelType];
  const { rows: candidates } = await client.query<Candidate>(
    `SELECT r.id AS "recipientId", r."contactId", r.attempts, c."externalId", c."displayName", c.username, c.phone, c.email, c.attributes, c."optedOut",
            v.id AS "conversationId", v.status::text AS "conversationStatus", v."lastInboundAt" AT TIME ZONE 'UTC' AS "lastInboundAt"
       FROM "CampaignRecipient" r JOIN "Contact" c ON c.id = r."contactId"
       LEFT JOIN "Conversation" v ON v."contactId" = c.id AND v."channelId" = c."channelId"
      WHERE r."campaignId" = $1 AND r.status = 'pending' ORDER BY r.id LIMIT $2 FOR UPDATE OF r SKIP LOCKED`,
    [campaignId, Math.max(1, Math.min(MAX_STEP, Math.ceil(pace)))],
  );
  if (candidates.length === 0) {
    const { rows: open } = await client.query<{ sending: number }>(`SELECT count(*)::int AS sending FROM "CampaignRecipient" WHERE "campaignId" = $1 AND status IN ('pending', 'sending')`, [campaignId]);
    if (open[0].sending > 0) return { kind: "waiting", queued: 0, skipped: 0 };
    await client.query(
      `UPDATE "Campaign" SET status = 'completed', "completedAt" = timezone('UTC', now()), "updatedAt" = timezone('UTC', now()) WHERE id = $1 AND status = 'running'`,
      [campaignId],
    );
    logger.info({ campaignId }, "campaign completed");
    return { kind: "finished", queued: 0, skipped: 0 };
  }

  if (content.kind === "flow") {
    // Flow runs go one transaction per recipient (the runner's rules and locks), at their slots.
    const slots = await reserveSendSlots({ client, channelId: campaign.channelId, count: candidates.length, perSecond: pace });
    return {
      kind: "flows",
      workspaceId: campaign.workspaceId,
      channelId: campaign.channelId,
      flowId: content.flowId,
      items: candidates.map((candidate, index) => ({ recipientId: candidate.recipientId, contact: { id: candidate.contactId, externalId: candidate.externalId }, attempt: candidate.attempts + 1, slot: slots[index] })),
      queued: 0,
      skipped: 0,
    };
  }

  const template = content.kind === "template" ? await loadTemplate(client, campaign.channelId, content) : null;
  const limit = content.kind === "template" && campaign.channelType === "whatsapp_cloud" ? readMessagingLimit(campaign.channelSettings) : null;
  let quota = limit === null ? Number.POSITIVE_INFINITY : limit - (await countBusinessInitiatedContacts(client, campaign.workspaceId, campaign.channelId));

  const now = new Date();
  const sends: Array<{ candidate: Candidate; message: OutboundMessage; decision: Extract<ReturnType<typeof evaluateSendPolicy>, { allowed: true }> }> = [];
  const skips: Array<{ recipientId: string; code: string; reason: string }> = [];
  let limitReached = false;
  for (const candidate of candidates) {
    const decision = evaluateSendPolicy({
      channelType: campaign.channelType,
      channelStatus: campaign.channelStatus as "active",
      conversationStatus: candidate.conversationStatus ?? "open",
      contactOptedOut: candidate.optedOut,
      lastInboundAt: candidate.lastInboundAt,
      now,
      humanAgentTagEnabled: false,
      senderType: "campaign",
      content: content.kind === "template" ? "template" : "free_form",
    });
    if (!decision.allowed) {
      skips.push({ recipientId: candidate.recipientId, ...refusalToSkip(decision.code, decision.reason) });
      continue;
    }
    const built = buildMessage(content, template, candidate, campaign.channelType);
    if (!built.ok) {
      skips.push({ recipientId: candidate.recipientId, code: "missing_variable", reason: built.reason });
      continue;
    }
    if (!decision.insideWindow && limit !== null) {
      if (quota <= 0) {
        limitReached = true;
        break;
      }
      quota--;
    }
    sends.push({ candidate, message: built.message, decision });
  }

  if (skips.length > 0) {
    await client.query(
      `UPDATE "CampaignRecipient" r SET status = 'skipped', "reasonCode" = s.code, reason = s.reason, "updatedAt" = timezone('UTC', now())
         FROM unnest($1::text[], $2::text[], $3::text[]) AS s(id, code, reason) WHERE r.id = s.id AND r.status = 'pending'`,
      [skips.map((skip) => skip.recipientId), skips.map((skip) => skip.code), skips.map((skip) => skip.reason)],
    );
  }
  const slots = await reserveSendSlots({ client, channelId: campaign.channelId, count: sends.length, perSecond: pace });
  // The whole step in a few statements (messages, records, jobs; then the recipients): at a high
  // pace a step is up to MAX_STEP recipients, and per-recipient statements were most of its cost.
  const items: QueueOutboundBatchItem[] = [];
  for (const [index, { candidate, message, decision }] of sends.entries()) {
    const conversationId = candidate.conversationId ?? (await openConversation(client, campaign.workspaceId, campaign.channelId, candidate.contactId));
    items.push({
      conversationId,
      message,
      idempotencyKey: `campaign:${campaignId}:${candidate.contactId}:${candidate.attempts + 1}`,
      compliance: {
        rule: decision.rule,
        insideWindow: decision.insideWindow,
        lastInboundAt: candidate.lastInboundAt,
        windowClosesAt: decision.windowClosesAt,
        templateName: message.type === "template" ? message.name : null,
      },
      startAfter: slots[index],
    });
  }
  const queued = await queueOutboundMessages({ client, workspaceId: campaign.workspaceId, senderType: "campaign", items });
  if (sends.length > 0) {
    await client.query(
      `UPDATE "CampaignRecipient" r SET status = 'sending', "messageId" = s.message_id, attempts = s.attempt, "attemptedAt" = timezone('UTC', now()), "updatedAt" = timezone('UTC', now())
         FROM unnest($1::text[], $2::text[], $3::int[]) AS s(id, message_id, attempt) WHERE r.id = s.id`,
      [sends.map((send) => send.candidate.recipientId), queued.map((message) => message.id), sends.map((send) => send.candidate.attempts + 1)],
    );
  }
  if (limitReached) {
    await stopCampaign(
      client,
      campaignId,
      "messaging_limit",
      `Stopped at WhatsApp's messaging limit: ${limit} unique customers outside their 24-hour window per 24 hours for this business. Resume later, when the moving 24-hour count has room again, or after Meta raises the limit.`,
    );
    return { kind: "finished", queued: sends.length, skipped: skips.length };
  }
  if (sends.length === 0) return { kind: "waiting", queued: 0, skipped: skips.length };
  return { kind: "queued", lastSlot: slots[slots.length - 1], queued: sends.length, skipped: skips.length };
}

async function stopCampaign(client: SqlClient, campaignId: string, code: string, reason: string) {
  await client.query(
    `UPDATE "Campaign" SET status = 'stopped', "statusCode" = $2, "statusReason" = $3, "updatedAt" = timezone('UTC', now()) WHERE id = $1 AND status = 'running'`,
    [campaignId, code, reason],
  );
  logger.warn({ campaignId, code }, "campaign stopped");
}

function refusalToSkip(code: SendRefusalCode, reason: string): { code: string; reason: string } {
  switch (code) {
    case "contact_opted_out":
      return { code: "opted_out", reason: SKIP_REASON_TEXT.opted_out };
    case "conversation_blocked":
      return { code: "blocked", reason: SKIP_REASON_TEXT.blocked };
    case "template_required":
    case "window_closed":
      return { code: "outside_window", reason: SKIP_REASON_TEXT.outside_window };
    default:
      return { code, reason };
  }
}

type TemplateRow = { name: string; language: string; components: unknown; externalId: string | null };

async function loadTemplate(client: SqlClient, channelId: string, content: Extract<CampaignContent, { kind: "template" }>): Promise<TemplateRow | null> {
  const { rows } = await client.query<TemplateRow & { status: string }>(
    `SELECT name, language, components, status, "externalId" FROM "MessageTemplate" WHERE "channelId" = $1 AND name = $2 AND language = $3`,
    [channelId, content.name, content.language],
  );
  return rows[0]?.status === "APPROVED" ? rows[0] : null;
}

type Built = { ok: true; message: OutboundMessage } | { ok: false; reason: string };

function buildMessage(content: CampaignContent, template: TemplateRow | null, candidate: Candidate, channelType: CampaignChannelType): Built {
  const contact = { displayName: candidate.displayName, username: candidate.username, phone: candidate.phone, email: candidate.email, attributes: candidate.attributes };
  if (content.kind === "text") {
    const text = renderAutomatedText({ template: content.text, contact: { ...contact, attributes: toAttributes(candidate.attributes) } }).trim();
    return text === "" ? { ok: false, reason: "The message is empty for this contact (its variables have no value)" } : { ok: true, message: { type: "text", text } };
  }
  if (content.kind === "template") {
    if (!template) return { ok: false, reason: "The template is no longer approved on this channel" };
    const values = resolveVariables(content.variables, { ...contact, externalId: candidate.externalId, channelType });
    if (!values.ok) return { ok: false, reason: `No value for the template variable${values.missing.length > 1 ? "s" : ""} ${values.missing.join(", ")} (and no fallback)` };
    const rendered = renderTemplate({ components: template.components, variables: values.values });
    if (!rendered.ok) return { ok: false, reason: rendered.reason ?? `Template variables not accepted: ${[...rendered.missing, ...rendered.invalid.map((item) => `${item.key} (${item.reason})`)].join(", ")}` };
    // Twilio: the Content SID with ContentVariables by the content's own placeholders.
    return toTemplateMessage({ channelType, template, variables: values.values, rendered });
  }
  return { ok: false, reason: "Flow campaigns are started by the flow runner" };
}

function toAttributes(value: unknown): Record<string, string | number | boolean> {
  return typeof value === "object" && value !== null ? (value as Record<string, string | number | boolean>) : {};
}

async function openConversation(client: SqlClient, workspaceId: string, channelId: string, contactId: string): Promise<string> {
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO "Conversation" (id, "workspaceId", "channelId", "contactId", status, "createdAt", "updatedAt")
     VALUES (gen_random_uuid()::text, $1, $2, $3, 'open', timezone('UTC', now()), timezone('UTC', now()))
     ON CONFLICT ("channelId", "contactId") DO UPDATE SET "updatedAt" = "Conversation"."updatedAt" RETURNING id`,
    [workspaceId, channelId, contactId],
  );
  return rows[0].id;
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
