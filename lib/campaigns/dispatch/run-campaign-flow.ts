import "server-only";
import { withPgTransaction } from "@/lib/db/pg";
import { loadFlowStart, loadRunContext } from "@/lib/flows/runner/automation-context";
import { settleRun } from "@/lib/flows/runner/charge-credit";
import { claimReceipt, loadContact, loadConversation, loadOpenSession, lockAutomationSubject } from "@/lib/flows/runner/load-subject";
import { createFlowRun, flushFlowRun, log, runEngine } from "@/lib/flows/runner/run-flow";

// A flow campaign (the seed's broadcast model): the flow's active version starts for each
// recipient, as if a trigger had fired — a session per contact, the flow's messages sent by the
// flows runner under its own rules (window, credits, WhatsApp pair pacing, opt-out, bot paused).
// One transaction per recipient, serialised with the contact's other automations (the runner's
// advisory lock), idempotent by its receipt `campaign:<campaign>:<contact>:<attempt>`.

export type CampaignFlowOutcome =
  | { kind: "started"; firstMessageId: string | null; queued: number }
  | { kind: "skipped"; code: string; reason: string }
  | { kind: "stop_campaign"; code: string; reason: string };

export type RunCampaignFlowOptions = {
  workspaceId: string;
  channelId: string;
  campaignId: string;
  flowId: string;
  recipientId: string;
  contact: { id: string; externalId: string };
  attempt: number;
};

export async function runCampaignFlow(options: RunCampaignFlowOptions): Promise<CampaignFlowOutcome> {
  const { workspaceId, channelId, campaignId, flowId, recipientId, contact, attempt } = options;
  return withPgTransaction(async (client, end) => {
    await lockAutomationSubject(client, { channelId, contactExternalId: contact.externalId });
    const receiptKey = `campaign:${campaignId}:${contact.id}:${attempt}`;
    const mark = async (outcome: CampaignFlowOutcome) => {
      if (outcome.kind === "skipped") {
        await client.query(`UPDATE "CampaignRecipient" SET status = 'skipped', "reasonCode" = $2, reason = $3, "updatedAt" = timezone('UTC', now()) WHERE id = $1 AND status = 'pending'`, [
          recipientId, outcome.code, outcome.reason,
        ]);
      }
      if (outcome.kind === "started") {
        // Followed through its first message (the trigger on Message rolls its status up); a flow
        // that sent nothing (it only tagged, or waits) is done at once.
        await client.query(
          `UPDATE "CampaignRecipient" SET status = CASE WHEN $2::text IS NULL THEN 'sent' ELSE 'sending' END::"CampaignRecipientStatus", "messageId" = $2,
                  attempts = $3, "attemptedAt" = timezone('UTC', now()), "sentAt" = CASE WHEN $2::text IS NULL THEN timezone('UTC', now()) END, "updatedAt" = timezone('UTC', now())
            WHERE id = $1 AND status = 'pending'`,
          [recipientId, outcome.firstMessageId, attempt],
        );
      }
      return outcome;
    };
    if (!(await claimReceipt(client, { workspaceId, key: receiptKey }))) return mark({ kind: "skipped", code: "duplicate", reason: "Already started for this recipient" });
    const ctx = await loadRunContext({ client, workspaceId, channelId });
    if (!ctx) return { kind: "stop_campaign", code: "channel_unavailable", reason: "The channel no longer exists" };
    if (ctx.workspace.credits <= 0) {
      return { kind: "stop_campaign", code: "credits_exhausted", reason: "Stopped: the workspace has no automation credits left (each automated message costs one). Add credits, then resume the campaign." };
    }
    const loaded = await loadContact({ client, channelId, externalId: contact.externalId });
    const conversation = loaded ? await loadConversation({ client, channelId, contactId: loaded.id }) : null;
    if (!loaded || !conversation) return mark({ kind: "skipped", code: "no_conversation", reason: "The contact has no conversation on this channel" });
    if (loaded.optedOut) return mark({ kind: "skipped", code: "opted_out", reason: "The contact opted out of messages" });
    if (conversation.status === "blocked") return mark({ kind: "skipped", code: "blocked", reason: "The conversation is blocked" });
    if (conversation.botPaused) return mark({ kind: "skipped", code: "bot_paused", reason: "The bot is paused on this conversation: a person is handling it" });
    const session = await loadOpenSession({ client, contactId: loaded.id });
    if (session) return mark({ kind: "skipped", code: "in_flow", reason: "The contact is in the middle of another flow" });
    const start = await loadFlowStart({ db: client, workspaceId, flowId });
    if (!start) return { kind: "stop_campaign", code: "flow_unavailable", reason: "Stopped: the campaign's flow is no longer active. Publish or resume it, then resume the campaign." };

    const run = createFlowRun({ ctx, receiptKey, contact: loaded, conversation });
    log(run, { kind: "campaign_flow", result: "ok", flowId, detail: { campaignId } });
    await runEngine(run, {
      event: { type: "start", flowId: start.flowId, versionId: start.versionId, triggerBlockId: start.triggerBlockId, trigger: {} },
      definition: start.definition,
      session: null,
      flowName: start.flowName,
    });
    await flushFlowRun(run);
    settleRun(ctx, end);
    const { rows } = await client.query<{ id: string }>(
      `SELECT id FROM "Message" WHERE "workspaceId" = $1 AND "idempotencyKey" LIKE $2 ORDER BY "createdAt", id LIMIT 1`,
      [workspaceId, `flow:${receiptKey.replace(/[\\%_]/g, (char) => `\\${char}`)}:%`],
    );
    return mark({ kind: "started", firstMessageId: rows[0]?.id ?? null, queued: run.queued });
  });
}
