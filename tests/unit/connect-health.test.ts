import { describe, expect, it } from "vitest";
import { daysUntil, describeChannelHealth } from "@/lib/channels/connect/health";
import { twilioWebhookUrls, whatsAppCallbackUrl } from "@/lib/channels/connect/webhook-urls";

const now = new Date("2026-11-22T12:00:00Z");
const inDays = (days: number) => new Date(now.getTime() + days * 86_400_000);

describe("describeChannelHealth", () => {
  it("says Connected for an active channel whose token does not expire", () => {
    expect(describeChannelHealth({ status: "active", tokenExpiresAt: null, now })).toMatchObject({ label: "Connected", tone: "success", daysLeft: null, needsReconnect: false });
  });

  it("counts the days left, and turns amber within 7 days", () => {
    expect(describeChannelHealth({ status: "active", tokenExpiresAt: inDays(30), now })).toMatchObject({ label: "Token expires in 30 days", tone: "success", daysLeft: 30 });
    expect(describeChannelHealth({ status: "active", tokenExpiresAt: inDays(7), now })).toMatchObject({ label: "Token expires in 7 days", tone: "warning" });
    expect(describeChannelHealth({ status: "active", tokenExpiresAt: inDays(0.5), now })).toMatchObject({ label: "Token expires in 1 day", tone: "warning", daysLeft: 1 });
  });

  it("asks for a reconnect once the token has expired, even before the daily job marks it", () => {
    expect(describeChannelHealth({ status: "active", tokenExpiresAt: inDays(-1), now })).toMatchObject({ label: "Token expired", tone: "danger", needsReconnect: true });
  });

  it("shows Needs re-auth in red with the stored reason, or a default one", () => {
    expect(describeChannelHealth({ status: "needs_reauth", statusReason: "Twilio rejected the credentials", now })).toMatchObject({
      label: "Needs re-auth",
      tone: "danger",
      reason: "Twilio rejected the credentials",
      needsReconnect: true,
    });
    expect(describeChannelHealth({ status: "needs_reauth", now }).reason).toMatch(/reconnect/);
  });

  it("shows Disconnected and Pending as they are", () => {
    expect(describeChannelHealth({ status: "disconnected", tokenExpiresAt: inDays(-3), now })).toMatchObject({ label: "Disconnected", tone: "neutral", needsReconnect: false });
    expect(describeChannelHealth({ status: "pending", now })).toMatchObject({ label: "Pending", tone: "warning" });
  });

  it("rounds partial days up", () => {
    expect(daysUntil(new Date(now.getTime() + 3_600_000), now)).toBe(1);
    expect(daysUntil(now, now)).toBe(0);
  });
});

describe("webhook URLs", () => {
  it("builds the WhatsApp callback URL and the Twilio inbound and status URLs from the public base URL", () => {
    expect(whatsAppCallbackUrl({ baseUrl: "https://inbox.example.com/", channelId: "ch_1" })).toBe("https://inbox.example.com/api/webhooks/whatsapp/ch_1");
    expect(twilioWebhookUrls({ baseUrl: "https://inbox.example.com", channelId: "ch_2" })).toEqual({
      inboundUrl: "https://inbox.example.com/api/webhooks/twilio/ch_2",
      statusCallbackUrl: "https://inbox.example.com/api/webhooks/twilio/ch_2/status",
    });
  });
});
