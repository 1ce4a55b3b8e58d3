import type { ContactState, ConversationState, RunContext } from "./runner-types";

export type StopReason = { code: string; reason: string };

export type FindStopReasonOptions = { ctx: RunContext; contact: ContactState | null; conversation: ConversationState | null };

/**
 * Why automations must not run for this person now, checked before anything runs (and logged
 * as skipped, so the activity log says why the bot stayed silent). Null when they may run.
 * Opt-outs (STOP) are handled before this and honoured in every case.
 */
export function findStopReason({ ctx, contact, conversation }: FindStopReasonOptions): StopReason | null {
  if (!ctx.workspace.settings.autoReply) return { code: "auto_reply_off", reason: "Automatic replies are turned off for this workspace" };
  if (ctx.channel.status === "needs_reauth" || ctx.channel.status === "disconnected") {
    return { code: "channel_unavailable", reason: "The channel needs to be reconnected: its automations are paused until then" };
  }
  if (conversation?.status === "blocked") return { code: "conversation_blocked", reason: "The conversation is blocked" };
  if (conversation?.botPaused) return { code: "bot_paused", reason: "The bot is paused on this conversation (a person is handling it)" };
  if (contact?.optedOut) return { code: "contact_opted_out", reason: "The contact opted out of messages (STOP)" };
  if (ctx.workspace.credits <= 0) return { code: "credits_exhausted", reason: "The workspace has no automation credits left: automations are paused until credits are added" };
  return null;
}
