// Every Twilio WhatsApp sample in tests/fixtures/twilio (incoming messages and status
// callbacks) posted as Twilio does — a form signed with the channel's auth token over the exact
// public URL (NEXTAUTH_URL + path) — then processed by its job into the right rows. Each fixture
// gets its own channel; the sample sender is replaced by that channel's number.
import { readdirSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { signTwilioRequest } from "@/lib/simulate/payloads";
import type { TwilioCredentials } from "@/lib/channels/credentials";
import { createTwilioChannel, postTwilio, seedConversation, seedOutboundMessage, twilioWebhookUrl, type TestChannel } from "../helpers/channels";
import { createAccount } from "../helpers/factories";
import { discardWaitingJobs, processStoredEvents } from "../helpers/jobs";

const FIXTURES = new URL("../fixtures/twilio/", import.meta.url);
const SAMPLE_SENDER = "+14155238886";
const SID = "SMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX";
const MEDIA = "https://api.twilio.com/2010-04-01/Accounts/ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX/Messages";

type Channel = TestChannel<TwilioCredentials>;
type MessageRow = { externalId: string; contentType: string; content: unknown; replyToExternalId?: string | null; referral?: unknown };

type Case =
  | { kind: "inbound"; messages: MessageRow[]; preview: string }
  | { kind: "status"; from: "pending" | "sent" | "delivered"; expected: Record<string, unknown> | null; ignored?: string[] };

const CONTACT = { externalId: "15550001111", phone: "+15550001111", displayName: "Test Profile", username: null };

const inbound = (message: MessageRow, preview: string): Case => ({ kind: "inbound", messages: [{ replyToExternalId: null, referral: null, ...message }], preview });

const cases: Record<string, Case> = {
  "twilio-wa-inbound-ad-referral.json": inbound(
    {
      externalId: "SMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX4",
      contentType: "text",
      content: { type: "text", text: "Hi, I saw your ad" },
      referral: { source: "ad", adId: "120226305854810726", headline: "Summer sale: 20% off", body: "Chat with us to get your code", sourceUrl: "https://fb.me/3cr4Wqqkv" },
    },
    "Hi, I saw your ad",
  ),
  "twilio-wa-inbound-button-reply.json": inbound(
    {
      externalId: "SMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX3",
      contentType: "interactive",
      content: { type: "interactive", reply: { kind: "button", id: "CONFIRM_BOOKING_42", title: "Confirm" } },
      replyToExternalId: "MMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX9",
    },
    "Confirm",
  ),
  "twilio-wa-inbound-image.json": inbound(
    {
      externalId: "MMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
      contentType: "image",
      content: { type: "image", url: `${MEDIA}/MMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX/Media/MEXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX`, mimeType: "image/jpeg" },
    },
    "[image]",
  ),
  "twilio-wa-inbound-location.json": inbound(
    {
      externalId: "SMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX1",
      contentType: "location",
      content: { type: "location", latitude: 37.483307, longitude: -122.148981, name: "Meta Headquarters", address: "1 Hacker Way, Menlo Park, CA 94025" },
    },
    "[location] Meta Headquarters",
  ),
  // One message per media item; the Body is the first item's caption.
  "twilio-wa-inbound-media-multiple.json": {
    kind: "inbound",
    messages: [
      {
        externalId: "MMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX2",
        contentType: "image",
        content: { type: "image", url: `${MEDIA}/MMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX2/Media/MEXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX0`, mimeType: "image/jpeg", caption: "Photos of the damaged parcel" },
      },
      {
        externalId: "MMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX2:1",
        contentType: "image",
        content: { type: "image", url: `${MEDIA}/MMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX2/Media/MEXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX1`, mimeType: "image/png" },
      },
      {
        externalId: "MMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX2:2",
        contentType: "file",
        content: { type: "file", url: `${MEDIA}/MMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX2/Media/MEXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX2`, mimeType: "application/pdf" },
      },
    ],
    preview: "[file]",
  },
  "twilio-wa-inbound-text.json": inbound({ externalId: SID, contentType: "text", content: { type: "text", text: "Hello" } }, "Hello"),
  "twilio-wa-status-delivered.json": { kind: "status", from: "sent", expected: { status: "delivered", errorCode: null } },
  "twilio-wa-status-failed-63016.json": {
    kind: "status",
    from: "sent",
    expected: {
      status: "failed",
      errorCode: "63016",
      errorMessage: "Failed to send freeform message because you are outside the allowed window. If you are using WhatsApp, please use a Message Template.",
    },
  },
  // Steps before the message leaves Twilio are not tracked: recorded, nothing changes.
  "twilio-wa-status-queued.json": { kind: "status", from: "pending", expected: null, ignored: ['status "queued" is not tracked'] },
  "twilio-wa-status-read.json": { kind: "status", from: "delivered", expected: { status: "read", errorCode: null } },
  "twilio-wa-status-sending.json": { kind: "status", from: "pending", expected: null, ignored: ['status "sending" is not tracked'] },
  "twilio-wa-status-sent.json": { kind: "status", from: "pending", expected: { status: "sent", errorCode: null } },
  "twilio-wa-status-undelivered-63024.json": { kind: "status", from: "sent", expected: { status: "failed", errorCode: "63024", errorMessage: "Invalid message recipient" } },
};

let workspaceId: string;

afterAll(() => discardWaitingJobs([workspaceId]));

beforeAll(async () => {
  workspaceId = (await createAccount({ label: "twilio-fixtures" })).workspace.id;
});

function paramsFor(name: string, channel: Channel): Record<string, string> {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), "utf8").replaceAll(SAMPLE_SENDER, channel.externalId)) as Record<string, string>;
}

const webhookFixtures = () => readdirSync(FIXTURES).filter((file) => file.endsWith(".json") && !file.includes("signature"));

describe("Twilio signatures", () => {
  it("answers 401 and stores nothing unless signed with the channel's auth token over the exact public URL", async () => {
    const channel = await createTwilioChannel({ workspaceId });
    const params = paramsFor("twilio-wa-inbound-text.json", channel);
    const url = twilioWebhookUrl(channel.id, "inbound");
    const wrong = [
      signTwilioRequest(url, params, "another-auth-token"),
      // The internal address the app listens on is not the URL Twilio signed.
      signTwilioRequest(url.replace("http://localhost:3000", "http://10.0.0.7:3000"), params, channel.credentials.authToken),
      signTwilioRequest(twilioWebhookUrl(channel.id, "status"), params, channel.credentials.authToken),
      signTwilioRequest(url, { ...params, Body: "Hello!" }, channel.credentials.authToken),
    ];
    for (const signature of [...wrong, null, ""]) {
      expect((await postTwilio(channel, "inbound", params, { signature })).status).toBe(401);
    }
    // Signed for the inbound URL, posted to the status URL.
    expect((await postTwilio(channel, "status", params, { signature: signTwilioRequest(url, params, channel.credentials.authToken) })).status).toBe(401);
    expect(await prisma.webhookEvent.count({ where: { channelId: channel.id } })).toBe(0);

    const ok = await postTwilio(channel, "inbound", params);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toContain("text/xml");
    expect(await ok.text()).toContain("<Response></Response>");
    expect(await prisma.webhookEvent.count({ where: { channelId: channel.id } })).toBe(1);
  });
});

describe("Twilio WhatsApp fixtures through the endpoints and the processing job", () => {
  it("has a case for every webhook fixture file", () => {
    expect(webhookFixtures().sort()).toEqual(Object.keys(cases).sort());
  });

  for (const [name, expected] of Object.entries(cases)) {
    it(`stores ${name} as the right rows`, async () => {
      const channel = await createTwilioChannel({ workspaceId });
      let seededId: string | null = null;
      if (expected.kind === "status") {
        const { conversationId } = await seedConversation({ channel, contactExternalId: "15550001111", phone: "+15550001111" });
        seededId = (await seedOutboundMessage({ channel, conversationId, externalId: SID, status: expected.from })).id;
      }
      const res = await postTwilio(channel, expected.kind, paramsFor(name, channel));
      expect(res.status).toBe(200);
      expect(res.headers.get("x-switchboard-stored")).toBe("stored");
      const { eventIds } = await processStoredEvents({ channelId: channel.id });
      expect(eventIds).toHaveLength(1);
      const event = await prisma.webhookEvent.findUniqueOrThrow({ where: { id: eventIds[0] } });
      const ignored = expected.kind === "status" ? (expected.ignored ?? []) : [];
      expect(event).toMatchObject({ provider: "twilio_whatsapp", workspaceId, channelId: channel.id, status: ignored.length ? "ignored" : "processed", attempts: 1, lastError: null });
      expect(((event.ignored ?? []) as { reason: string }[]).map((item) => item.reason)).toEqual(ignored);

      if (expected.kind === "inbound") {
        const contacts = await prisma.contact.findMany({ where: { channelId: channel.id }, select: { externalId: true, phone: true, displayName: true, username: true } });
        expect(contacts).toEqual([CONTACT]);
        const messages = await prisma.message.findMany({ where: { channelId: channel.id }, orderBy: { externalId: "asc" } });
        expect(messages).toHaveLength(expected.messages.length);
        // Twilio sends no event time: the moment the delivery reached us stands in for it.
        expected.messages.forEach((message, i) =>
          expect(messages[i]).toMatchObject({ workspaceId, direction: "inbound", senderType: "contact", status: "received", sentAt: event.receivedAt, ...message }),
        );
        const conversation = await prisma.conversation.findFirstOrThrow({ where: { channelId: channel.id } });
        expect(conversation).toMatchObject({ unreadCount: expected.messages.length, lastInboundAt: event.receivedAt, lastMessagePreview: expected.preview });
        return;
      }

      const message = await prisma.message.findUniqueOrThrow({ where: { id: seededId ?? "" } });
      if (expected.expected === null) {
        expect(message).toMatchObject({ status: expected.from, errorCode: null });
      } else {
        expect(message).toMatchObject({ ...expected.expected, statusAt: event.receivedAt });
      }
      expect(await prisma.message.count({ where: { channelId: channel.id } })).toBe(1);
    });
  }
});
