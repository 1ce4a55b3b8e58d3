import type { ChannelKind } from "@/lib/channels/types";

// The platform rules checked BEFORE anything is stored or sent (DESIGN.md "Messaging rules").
// Pure, no server imports: the send endpoint, retries, the compose state the UI renders, and
// later flows and campaigns all decide with this one function, so they can never disagree.
//
// - The 24-hour customer-service window opens or resets on ANY inbound message from the contact:
//   story replies and mentions, postbacks, quick-reply taps and ad referrals are all stored as
//   inbound messages by ingestion, which keeps Conversation.lastInboundAt. Inside it, send freely.
// - Instagram outside it: only a human agent's reply with the HUMAN_AGENT tag, up to 7 days after
//   the last inbound message, and only when the workspace enabled it (Meta reviews the
//   "Human Agent" feature per app). Never for automated senders (flows, campaigns).
// - WhatsApp (Cloud API and Twilio) outside it: only an approved template.
// - Sandbox: no provider, no window.
// - Blocked conversations, opted-out contacts and channels that need re-auth or are
//   disconnected: refused whatever the window says.

/** 24 h: Meta's customer-service window (Instagram and WhatsApp alike). */
export const CUSTOMER_SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;
/** 7 days: how long after the last inbound message Instagram accepts HUMAN_AGENT replies. */
export const HUMAN_AGENT_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

/** Why a send was allowed; stored in ComplianceRecord.rule. */
export type SendRule = "inside_window" | "human_agent_tag" | "approved_template" | "sandbox";

export type SendRefusalCode =
  | "channel_unavailable"
  | "conversation_blocked"
  | "contact_opted_out"
  | "window_closed"
  | "template_required"
  | "templates_unsupported"
  | "human_agent_tag_disabled"
  | "human_agent_tag_expired"
  | "human_agent_tag_unconfirmed"
  | "human_agent_tag_unsupported";

export type PolicySenderType = "agent" | "api" | "flow" | "campaign" | "system";

export type SendPolicyInput = {
  channelType: ChannelKind;
  channelStatus: "pending" | "active" | "needs_reauth" | "disconnected";
  conversationStatus: "open" | "archived" | "blocked";
  contactOptedOut: boolean;
  /** The contact's last inbound message of any kind; null when they never wrote. */
  lastInboundAt: Date | null;
  now: Date;
  /** Workspace setting `humanAgentTag` (lib/workspaces/settings.ts). */
  humanAgentTagEnabled: boolean;
  senderType: PolicySenderType;
  /** A free-form message (text, media, quick replies) or an approved template. */
  content: "free_form" | "template";
  /**
   * The sender's explicit choice about Instagram's HUMAN_AGENT tag: true = a person wrote this,
   * use the tag if the window needs it; false = never use it. Undefined: automatic for agents
   * (a signed-in person), never for API keys, which must say so explicitly.
   */
  humanAgentTag?: boolean;
};

type WindowFacts = {
  /** Inside the 24-hour window right now. */
  insideWindow: boolean;
  /** lastInboundAt + 24 h; null when the contact never wrote. */
  windowClosesAt: Date | null;
  /** lastInboundAt + 7 days on Instagram; null elsewhere or when the contact never wrote. */
  humanAgentTagUntil: Date | null;
};

export type SendDecision =
  | (WindowFacts & { allowed: true; rule: SendRule; messageTag: "HUMAN_AGENT" | null })
  | (WindowFacts & { allowed: false; code: SendRefusalCode; reason: string });

/** Decides whether a message may be sent now, and under which rule. Pure and deterministic. */
export function evaluateSendPolicy(input: SendPolicyInput): SendDecision {
  const facts = windowFacts(input);
  const refuse = (code: SendRefusalCode, reason: string): SendDecision => ({ ...facts, allowed: false, code, reason });
  const allow = (rule: SendRule, messageTag: "HUMAN_AGENT" | null = null): SendDecision => ({ ...facts, allowed: true, rule, messageTag });

  if (input.channelStatus === "needs_reauth") return refuse("channel_unavailable", "The channel needs to be reconnected before messages can be sent");
  if (input.channelStatus === "disconnected") return refuse("channel_unavailable", "The channel is disconnected: reconnect it to send messages");
  if (input.conversationStatus === "blocked") return refuse("conversation_blocked", "This conversation is blocked: unblock it to send messages");
  if (input.contactOptedOut) return refuse("contact_opted_out", "This contact opted out of messages (STOP): nothing can be sent to them");

  const whatsApp = input.channelType === "whatsapp_cloud" || input.channelType === "twilio_whatsapp";
  if (input.humanAgentTag === true && input.channelType !== "instagram") {
    return refuse("human_agent_tag_unsupported", "The HUMAN_AGENT tag only exists on Instagram");
  }
  if (input.content === "template") {
    // An approved template may start or restart a conversation at any time: that is what it is for.
    return whatsApp ? allow("approved_template") : refuse("templates_unsupported", "Message templates are WhatsApp-only: send a normal message");
  }
  if (input.channelType === "sandbox") return allow("sandbox");
  if (facts.insideWindow) return allow("inside_window");

  const closed = input.lastInboundAt ? `The 24-hour window closed ${formatInstant(facts.windowClosesAt)}` : "The contact hasn't sent a message yet";
  if (whatsApp) return refuse("template_required", `${closed}: WhatsApp only allows an approved template until they write again`);

  // Instagram, outside the 24-hour window.
  if (!input.lastInboundAt) return refuse("window_closed", "Instagram only allows replies after the person has messaged you");
  if (input.senderType === "flow" || input.senderType === "campaign" || input.senderType === "system") {
    return refuse("window_closed", `${closed}: outside it Instagram only allows replies written by a person (HUMAN_AGENT tag)`);
  }
  if (input.now.getTime() >= input.lastInboundAt.getTime() + HUMAN_AGENT_WINDOW_MS) {
    return refuse("human_agent_tag_expired", "More than 7 days have passed since the person's last message: Instagram allows no reply until they write again");
  }
  if (!input.humanAgentTagEnabled) {
    return refuse(
      "human_agent_tag_disabled",
      `${closed}: human agent replies (Instagram's HUMAN_AGENT tag, up to 7 days) are turned off for this workspace; an owner or admin can turn them on in the settings`,
    );
  }
  if (input.humanAgentTag === false) return refuse("window_closed", `${closed}: outside it Instagram needs the HUMAN_AGENT tag`);
  if (input.senderType === "api" && input.humanAgentTag !== true) {
    return refuse("human_agent_tag_unconfirmed", `${closed}: set humanAgentTag to true to confirm a person wrote this reply (Instagram's HUMAN_AGENT tag)`);
  }
  return allow("human_agent_tag", "HUMAN_AGENT");
}

export type ComposeMode = "free" | "human_agent_tag" | "template_only" | "locked";

export type ComposeModeInput = Omit<SendPolicyInput, "senderType" | "content" | "humanAgentTag">;

/**
 * What the composer offers a signed-in agent right now, with the reason shown when it is not
 * "free": the same decision the send endpoint will make for a free-form reply.
 */
export function describeComposeMode(input: ComposeModeInput): WindowFacts & { mode: ComposeMode; reason: string | null } {
  const decision = evaluateSendPolicy({ ...input, senderType: "agent", content: "free_form" });
  const facts: WindowFacts = { insideWindow: decision.insideWindow, windowClosesAt: decision.windowClosesAt, humanAgentTagUntil: decision.humanAgentTagUntil };
  if (decision.allowed && decision.rule === "human_agent_tag") {
    return {
      ...facts,
      mode: "human_agent_tag",
      reason: `The 24-hour window is closed: replies go out with Instagram's HUMAN_AGENT tag until ${formatInstant(decision.humanAgentTagUntil, "")}`.trim(),
    };
  }
  if (decision.allowed) return { ...facts, mode: "free", reason: null };
  return { ...facts, mode: decision.code === "template_required" ? "template_only" : "locked", reason: decision.reason };
}

function windowFacts({ channelType, lastInboundAt, now }: Pick<SendPolicyInput, "channelType" | "lastInboundAt" | "now">): WindowFacts {
  if (!lastInboundAt) return { insideWindow: false, windowClosesAt: null, humanAgentTagUntil: null };
  const windowClosesAt = new Date(lastInboundAt.getTime() + CUSTOMER_SERVICE_WINDOW_MS);
  return {
    insideWindow: now.getTime() < windowClosesAt.getTime(),
    windowClosesAt,
    humanAgentTagUntil: channelType === "instagram" ? new Date(lastInboundAt.getTime() + HUMAN_AGENT_WINDOW_MS) : null,
  };
}

// UTC ISO minutes: the API has no viewer time zone; the UI shows its own local time next to it.
function formatInstant(date: Date | null, prefix = "at "): string {
  return date ? `${prefix}${date.toISOString().slice(0, 16).replace("T", " ")} UTC` : "";
}
