import { describe, expect, it } from "vitest";
import { describeComposeMode, evaluateSendPolicy, type SendPolicyInput } from "@/lib/inbox/compose/send-policy";

const NOW = new Date("2026-03-10T12:00:00.000Z");
const HOUR = 60 * 60 * 1000;
const ago = (ms: number) => new Date(NOW.getTime() - ms);

function input(overrides: Partial<SendPolicyInput> = {}): SendPolicyInput {
  return {
    channelType: "whatsapp_cloud",
    channelStatus: "active",
    conversationStatus: "open",
    contactOptedOut: false,
    lastInboundAt: ago(HOUR),
    now: NOW,
    humanAgentTagEnabled: false,
    senderType: "agent",
    content: "free_form",
    ...overrides,
  };
}

describe.each(["whatsapp_cloud", "twilio_whatsapp"] as const)("%s", (channelType) => {
  it("sends free-form messages freely inside the 24-hour window", () => {
    expect(evaluateSendPolicy(input({ channelType, lastInboundAt: ago(23 * HOUR + 59 * 60 * 1000) }))).toEqual({
      allowed: true,
      rule: "inside_window",
      messageTag: null,
      insideWindow: true,
      windowClosesAt: new Date("2026-03-10T12:01:00.000Z"),
      humanAgentTagUntil: null,
    });
  });

  it("requires an approved template once 24 hours have passed, to the millisecond", () => {
    const decision = evaluateSendPolicy(input({ channelType, lastInboundAt: ago(24 * HOUR) }));
    expect(decision).toMatchObject({ allowed: false, code: "template_required", insideWindow: false, windowClosesAt: NOW });
    expect(decision.allowed || decision.reason).toBe("The 24-hour window closed at 2026-03-10 12:00 UTC: WhatsApp only allows an approved template until they write again");
  });

  it("allows an approved template outside the window, and inside it", () => {
    expect(evaluateSendPolicy(input({ channelType, lastInboundAt: ago(30 * 24 * HOUR), content: "template" }))).toMatchObject({ allowed: true, rule: "approved_template", insideWindow: false, messageTag: null });
    expect(evaluateSendPolicy(input({ channelType, content: "template" }))).toMatchObject({ allowed: true, rule: "approved_template", insideWindow: true });
  });

  it("only allows a template when the contact never wrote", () => {
    const decision = evaluateSendPolicy(input({ channelType, lastInboundAt: null }));
    expect(decision).toMatchObject({ allowed: false, code: "template_required", windowClosesAt: null });
    expect(decision.allowed || decision.reason).toMatch(/^The contact hasn't sent a message yet/);
    expect(evaluateSendPolicy(input({ channelType, lastInboundAt: null, content: "template", senderType: "campaign" }))).toMatchObject({ allowed: true, rule: "approved_template" });
  });

  it("refuses the HUMAN_AGENT tag, which is Instagram-only", () => {
    expect(evaluateSendPolicy(input({ channelType, humanAgentTag: true }))).toMatchObject({ allowed: false, code: "human_agent_tag_unsupported" });
  });

  it("lets automated senders reply inside the window too", () => {
    expect(evaluateSendPolicy(input({ channelType, senderType: "flow" }))).toMatchObject({ allowed: true, rule: "inside_window" });
  });
});

describe("instagram", () => {
  const instagram = (overrides: Partial<SendPolicyInput> = {}) => input({ channelType: "instagram", humanAgentTagEnabled: true, ...overrides });

  it("sends freely inside 24 hours, without a tag even when the setting is on", () => {
    expect(evaluateSendPolicy(instagram())).toMatchObject({ allowed: true, rule: "inside_window", messageTag: null, humanAgentTagUntil: new Date(ago(HOUR).getTime() + 7 * 24 * HOUR) });
  });

  it("allows a human agent's reply with HUMAN_AGENT between 24 hours and 7 days when the workspace enabled it", () => {
    expect(evaluateSendPolicy(instagram({ lastInboundAt: ago(25 * HOUR) }))).toMatchObject({ allowed: true, rule: "human_agent_tag", messageTag: "HUMAN_AGENT", insideWindow: false });
    expect(evaluateSendPolicy(instagram({ lastInboundAt: ago(7 * 24 * HOUR - 1) }))).toMatchObject({ allowed: true, rule: "human_agent_tag" });
  });

  it("refuses outside 24 hours when the workspace setting is off, saying how to turn it on", () => {
    const decision = evaluateSendPolicy(instagram({ lastInboundAt: ago(25 * HOUR), humanAgentTagEnabled: false }));
    expect(decision).toMatchObject({ allowed: false, code: "human_agent_tag_disabled" });
    expect(decision.allowed || decision.reason).toMatch(/turned off for this workspace; an owner or admin can turn them on/);
  });

  it("refuses everything 7 days or more after the last inbound message", () => {
    expect(evaluateSendPolicy(instagram({ lastInboundAt: ago(7 * 24 * HOUR) }))).toMatchObject({ allowed: false, code: "human_agent_tag_expired" });
  });

  it.each(["flow", "campaign", "system"] as const)("never tags automated messages (%s) outside 24 hours", (senderType) => {
    expect(evaluateSendPolicy(instagram({ lastInboundAt: ago(25 * HOUR), senderType }))).toMatchObject({ allowed: false, code: "window_closed" });
  });

  it("needs an explicit humanAgentTag: true from an API key", () => {
    expect(evaluateSendPolicy(instagram({ lastInboundAt: ago(25 * HOUR), senderType: "api" }))).toMatchObject({ allowed: false, code: "human_agent_tag_unconfirmed" });
    expect(evaluateSendPolicy(instagram({ lastInboundAt: ago(25 * HOUR), senderType: "api", humanAgentTag: true }))).toMatchObject({ allowed: true, messageTag: "HUMAN_AGENT" });
  });

  it("respects an agent's humanAgentTag: false", () => {
    expect(evaluateSendPolicy(instagram({ lastInboundAt: ago(25 * HOUR), humanAgentTag: false }))).toMatchObject({ allowed: false, code: "window_closed" });
  });

  it("refuses templates and replies to someone who never wrote", () => {
    expect(evaluateSendPolicy(instagram({ content: "template" }))).toMatchObject({ allowed: false, code: "templates_unsupported" });
    expect(evaluateSendPolicy(instagram({ lastInboundAt: null }))).toMatchObject({ allowed: false, code: "window_closed" });
  });
});

describe("sandbox", () => {
  it("always allows free-form messages, whatever the window", () => {
    expect(evaluateSendPolicy(input({ channelType: "sandbox", lastInboundAt: null, senderType: "campaign" }))).toMatchObject({ allowed: true, rule: "sandbox", messageTag: null });
    expect(evaluateSendPolicy(input({ channelType: "sandbox", lastInboundAt: ago(90 * 24 * HOUR) }))).toMatchObject({ allowed: true, rule: "sandbox", insideWindow: false });
  });

  it("still honours blocks and opt-outs", () => {
    expect(evaluateSendPolicy(input({ channelType: "sandbox", conversationStatus: "blocked" }))).toMatchObject({ allowed: false, code: "conversation_blocked" });
    expect(evaluateSendPolicy(input({ channelType: "sandbox", contactOptedOut: true }))).toMatchObject({ allowed: false, code: "contact_opted_out" });
  });
});

describe.each(["instagram", "whatsapp_cloud", "twilio_whatsapp", "sandbox"] as const)("refusals on %s", (channelType) => {
  it.each([
    [{ conversationStatus: "blocked" as const }, "conversation_blocked", "This conversation is blocked: unblock it to send messages"],
    [{ contactOptedOut: true }, "contact_opted_out", "This contact opted out of messages (STOP): nothing can be sent to them"],
    [{ channelStatus: "needs_reauth" as const }, "channel_unavailable", "The channel needs to be reconnected before messages can be sent"],
    [{ channelStatus: "disconnected" as const }, "channel_unavailable", "The channel is disconnected: reconnect it to send messages"],
  ])("%o → %s, even inside the window and for templates", (overrides, code, reason) => {
    for (const content of ["free_form", "template"] as const) {
      expect(evaluateSendPolicy(input({ channelType, content, ...overrides }))).toMatchObject({ allowed: false, code, reason });
    }
  });

  it("sends to archived conversations and pending channels", () => {
    expect(evaluateSendPolicy(input({ channelType, conversationStatus: "archived", channelStatus: "pending" })).allowed).toBe(true);
  });
});

describe("describeComposeMode", () => {
  const base = { channelStatus: "active", conversationStatus: "open", contactOptedOut: false, now: NOW, humanAgentTagEnabled: false } as const;

  it("is free inside the window", () => {
    expect(describeComposeMode({ ...base, channelType: "whatsapp_cloud", lastInboundAt: ago(HOUR) })).toMatchObject({ mode: "free", reason: null });
  });

  it("is template_only on WhatsApp outside it", () => {
    expect(describeComposeMode({ ...base, channelType: "twilio_whatsapp", lastInboundAt: ago(48 * HOUR) })).toMatchObject({ mode: "template_only", reason: expect.stringContaining("approved template") });
  });

  it("offers the HUMAN_AGENT tag on Instagram when enabled, and is locked otherwise", () => {
    expect(describeComposeMode({ ...base, channelType: "instagram", lastInboundAt: ago(48 * HOUR), humanAgentTagEnabled: true })).toMatchObject({
      mode: "human_agent_tag",
      reason: "The 24-hour window is closed: replies go out with Instagram's HUMAN_AGENT tag until 2026-03-15 12:00 UTC",
      humanAgentTagUntil: new Date("2026-03-15T12:00:00.000Z"),
    });
    expect(describeComposeMode({ ...base, channelType: "instagram", lastInboundAt: ago(48 * HOUR) })).toMatchObject({ mode: "locked" });
    expect(describeComposeMode({ ...base, channelType: "instagram", lastInboundAt: ago(8 * 24 * HOUR), humanAgentTagEnabled: true })).toMatchObject({ mode: "locked" });
  });

  it("is locked for a blocked conversation, with the reason", () => {
    expect(describeComposeMode({ ...base, channelType: "sandbox", lastInboundAt: null, conversationStatus: "blocked" })).toMatchObject({ mode: "locked", reason: expect.stringContaining("blocked") });
  });
});
