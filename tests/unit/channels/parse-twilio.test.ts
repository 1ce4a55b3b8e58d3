import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import type { ContactIdentity, InternalEvent, ParsedWebhook } from "@/lib/channels/types";
import { parseTwilioForm } from "@/lib/channels/twilio/parse-form";
import { parseTwilioWebhook } from "@/lib/channels/twilio/parse-webhook";
import { WebhookPayloadError } from "@/lib/channels/webhook-payload-error";

const DIR = fileURLToPath(new URL("../../fixtures/twilio/", import.meta.url));
const fixture = (name: string) => z.record(z.string(), z.string()).parse(JSON.parse(readFileSync(DIR + name, "utf8")));

// Twilio sends no event time: events are stamped with the time of parsing.
const NOW = new Date("2026-03-01T12:00:00.000Z");
beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.useRealTimers();
});

const SENDER = "+14155238886";
const customer: ContactIdentity = { externalId: "15550001111", phone: "+15550001111", displayName: "Test Profile" };
const MEDIA = "https://api.twilio.com/2010-04-01/Accounts/ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX/Messages";

const events = (...list: InternalEvent[]): ParsedWebhook => ({ events: list, ignored: [] });
const inbound = (externalId: string, content: Extract<InternalEvent, { kind: "message" }>["content"], extra: Partial<Extract<InternalEvent, { kind: "message" }>> = {}): InternalEvent => ({
  kind: "message",
  accountId: SENDER,
  timestamp: NOW,
  externalId,
  contact: customer,
  content,
  ...extra,
});
const status = (value: "sent" | "delivered" | "read" | "failed", extra: Partial<Extract<InternalEvent, { kind: "status" }>> = {}): InternalEvent => ({
  kind: "status",
  accountId: SENDER,
  timestamp: NOW,
  externalId: "SMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
  status: value,
  recipientId: "15550001111",
  ...extra,
});

/** Every webhook fixture in tests/fixtures/twilio, the webhook it was posted to, and its events. */
const expected: Record<string, { kind: "inbound" | "status"; result: ParsedWebhook }> = {
  "twilio-wa-inbound-text.json": { kind: "inbound", result: events(inbound("SMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", { type: "text", text: "Hello" })) },
  "twilio-wa-inbound-image.json": {
    kind: "inbound",
    result: events(
      inbound("MMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", {
        type: "image",
        url: `${MEDIA}/MMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX/Media/MEXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX`,
        mimeType: "image/jpeg",
      }),
    ),
  },
  "twilio-wa-inbound-media-multiple.json": {
    kind: "inbound",
    result: events(
      inbound("MMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX2", {
        type: "image",
        url: `${MEDIA}/MMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX2/Media/MEXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX0`,
        mimeType: "image/jpeg",
        caption: "Photos of the damaged parcel",
      }),
      inbound("MMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX2:1", {
        type: "image",
        url: `${MEDIA}/MMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX2/Media/MEXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX1`,
        mimeType: "image/png",
      }),
      inbound("MMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX2:2", {
        type: "file",
        url: `${MEDIA}/MMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX2/Media/MEXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX2`,
        mimeType: "application/pdf",
      }),
    ),
  },
  "twilio-wa-inbound-location.json": {
    kind: "inbound",
    result: events(
      inbound("SMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX1", {
        type: "location",
        latitude: 37.483307,
        longitude: -122.148981,
        name: "Meta Headquarters",
        address: "1 Hacker Way, Menlo Park, CA 94025",
      }),
    ),
  },
  "twilio-wa-inbound-button-reply.json": {
    kind: "inbound",
    result: events(
      inbound(
        "SMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX3",
        { type: "interactive", reply: { kind: "button", id: "CONFIRM_BOOKING_42", title: "Confirm" } },
        { replyToExternalId: "MMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX9" },
      ),
    ),
  },
  "twilio-wa-inbound-ad-referral.json": {
    kind: "inbound",
    result: events(
      inbound(
        "SMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX4",
        { type: "text", text: "Hi, I saw your ad" },
        {
          referral: {
            source: "ad",
            adId: "120226305854810726",
            headline: "Summer sale: 20% off",
            body: "Chat with us to get your code",
            sourceUrl: "https://fb.me/3cr4Wqqkv",
          },
        },
      ),
    ),
  },
  "twilio-wa-status-queued.json": { kind: "status", result: { events: [], ignored: [{ reason: 'status "queued" is not tracked', path: "MessageStatus" }] } },
  "twilio-wa-status-sending.json": { kind: "status", result: { events: [], ignored: [{ reason: 'status "sending" is not tracked', path: "MessageStatus" }] } },
  "twilio-wa-status-sent.json": { kind: "status", result: events(status("sent")) },
  "twilio-wa-status-delivered.json": { kind: "status", result: events(status("delivered")) },
  "twilio-wa-status-read.json": { kind: "status", result: events(status("read")) },
  "twilio-wa-status-failed-63016.json": {
    kind: "status",
    result: events(
      status("failed", {
        error: {
          code: "63016",
          message:
            "Failed to send freeform message because you are outside the allowed window. If you are using WhatsApp, please use a Message Template.",
        },
      }),
    ),
  },
  "twilio-wa-status-undelivered-63024.json": {
    kind: "status",
    result: events(status("failed", { error: { code: "63024", message: "Invalid message recipient" } })),
  },
};

describe("parseTwilioWebhook", () => {
  it("has an expectation for every Twilio webhook fixture (signature vectors aside)", () => {
    const files = readdirSync(DIR).filter((name) => name.endsWith(".json") && !name.startsWith("twilio-signature-"));
    expect(Object.keys(expected).sort()).toEqual(files.sort());
  });

  it.each(Object.entries(expected))("parses %s into exactly the expected events", (name, { kind, result }) => {
    expect(parseTwilioWebhook(fixture(name), kind)).toStrictEqual(result);
  });

  it("parses the raw form body Twilio posts, through parseTwilioForm", () => {
    const params = fixture("twilio-wa-inbound-text.json");
    const raw = new URLSearchParams(params).toString();
    expect(parseTwilioWebhook(parseTwilioForm(raw), "inbound")).toStrictEqual(expected["twilio-wa-inbound-text.json"]!.result);
  });

  it("falls back to the From digits when WaId is missing", () => {
    const params = fixture("twilio-wa-inbound-text.json");
    delete params.WaId;
    delete params.ProfileName;
    expect(parseTwilioWebhook(params, "inbound").events[0]).toMatchObject({ contact: { externalId: "15550001111", phone: "+15550001111" } });
  });

  it("uses the first value of a repeated parameter", () => {
    const params = { ...fixture("twilio-wa-inbound-text.json"), Body: ["first", "second"] };
    expect(parseTwilioWebhook(params, "inbound").events[0]).toMatchObject({ content: { type: "text", text: "first" } });
  });

  it("caps NumMedia at Twilio's limit of 10 and reports missing media URLs", () => {
    const params = { ...fixture("twilio-wa-inbound-text.json"), NumMedia: "100000", MediaUrl0: "https://example.com/0", MediaContentType0: "image/jpeg" };
    const result = parseTwilioWebhook(params, "inbound");
    expect(result.events).toHaveLength(1);
    expect(result.ignored).toHaveLength(9);
    expect(result.ignored[0]).toStrictEqual({ reason: "NumMedia is 10 but MediaUrl1 is missing", path: "MediaUrl1" });
  });

  it("marks a WhatsApp sticker (image/webp with MessageType sticker) as a sticker", () => {
    const params = { ...fixture("twilio-wa-inbound-image.json"), MessageType: "sticker", MediaContentType0: "image/webp" };
    expect(parseTwilioWebhook(params, "inbound").events[0]).toMatchObject({ content: { type: "sticker", mimeType: "image/webp" } });
  });

  it("keeps a message without text, media or location as unsupported with Twilio's MessageType", () => {
    const params = { ...fixture("twilio-wa-inbound-text.json"), Body: "", MessageType: "contacts" };
    expect(parseTwilioWebhook(params, "inbound")).toStrictEqual(
      events(inbound("SMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", { type: "unsupported", providerType: "contacts" })),
    );
  });

  it("ignores an SMS that reached the same Twilio number", () => {
    const params = { ...fixture("twilio-wa-inbound-text.json"), From: "+15550001111", To: "+14155238886" };
    expect(parseTwilioWebhook(params, "inbound")).toStrictEqual({ events: [], ignored: [{ reason: "not a WhatsApp message (no whatsapp: prefix)", path: "From" }] });
  });

  it("ignores an unknown status, with a reason", () => {
    const params = { ...fixture("twilio-wa-status-sent.json"), MessageStatus: "partially_delivered" };
    expect(parseTwilioWebhook(params, "status")).toStrictEqual({ events: [], ignored: [{ reason: 'status "partially_delivered" is not tracked', path: "MessageStatus" }] });
  });

  it("uses Twilio's ErrorMessage when WhatsApp gives no ChannelStatusMessage", () => {
    const params = { ...fixture("twilio-wa-status-sent.json"), MessageStatus: "failed", ErrorCode: "63003", ErrorMessage: "Channel could not find To address" };
    expect(parseTwilioWebhook(params, "status").events[0]).toMatchObject({ status: "failed", error: { code: "63003", message: "Channel could not find To address" } });
  });

  it.each([
    ["an inbound message without MessageSid", "inbound", { From: "whatsapp:+15550001111", To: "whatsapp:+14155238886", Body: "hi" }],
    ["an inbound message without From", "inbound", { MessageSid: "SM1", To: "whatsapp:+14155238886" }],
    ["a status callback without MessageStatus", "status", { MessageSid: "SM1", From: "whatsapp:+14155238886" }],
  ] as const)("throws WebhookPayloadError for %s", (_, kind, params) => {
    expect(() => parseTwilioWebhook(params, kind)).toThrow(WebhookPayloadError);
  });
});

describe("parseTwilioForm", () => {
  it("decodes + and percent escapes as UTF-8", () => {
    expect(parseTwilioForm("Body=Ol%C3%A1+mundo&From=whatsapp%3A%2B15550001111")).toStrictEqual({ Body: "Olá mundo", From: "whatsapp:+15550001111" });
  });

  it("keeps repeated keys as an array in order, single keys as strings", () => {
    expect(parseTwilioForm("a=1&b=2&a=3&a=1")).toStrictEqual({ a: ["1", "3", "1"], b: "2" });
  });

  it("keeps empty values and a __proto__ key as ordinary fields", () => {
    const params = parseTwilioForm("Body=&__proto__=x");
    expect(params.Body).toBe("");
    expect(Object.hasOwn(params, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(params)).toBe(Object.prototype);
  });

  it("returns an empty object for an empty body", () => {
    expect(parseTwilioForm("")).toStrictEqual({});
  });
});
