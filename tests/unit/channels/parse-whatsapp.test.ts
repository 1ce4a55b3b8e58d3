import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { ContactIdentity, InternalEvent, ParsedWebhook } from "@/lib/channels/types";
import { WebhookPayloadError } from "@/lib/channels/webhook-payload-error";
import { parseWhatsAppWebhook } from "@/lib/channels/whatsapp/parse-webhook";

const DIR = fileURLToPath(new URL("../../fixtures/whatsapp/", import.meta.url));
const fixture = (name: string): unknown => JSON.parse(readFileSync(DIR + name, "utf8"));
const seconds = (value: number) => new Date(value * 1000);

const PHONE_NUMBER_ID = "106540352242922";
const WABA_ID = "102290129340398";
const sheena: ContactIdentity = { externalId: "16505551234", displayName: "Sheena Nelson", phone: "+16505551234" };
const pablo: ContactIdentity = { externalId: "16505551234", displayName: "Pablo Morales", phone: "+16505551234" };

const events = (...list: InternalEvent[]): ParsedWebhook => ({ events: list, ignored: [] });
const inbound = (event: Omit<Extract<InternalEvent, { kind: "message" }>, "kind" | "accountId" | "contact"> & { contact?: ContactIdentity }): InternalEvent => ({
  kind: "message",
  accountId: PHONE_NUMBER_ID,
  contact: sheena,
  ...event,
});

/** Every file in tests/fixtures/whatsapp and exactly what it must parse into. */
const expected: Record<string, ParsedWebhook> = {
  "wa-text-message.json": events(
    inbound({
      timestamp: seconds(1749416383),
      externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
      content: { type: "text", text: "Does it come in another color?" },
    }),
  ),
  "wa-image-message.json": events(
    inbound({
      timestamp: seconds(1744344496),
      externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
      content: {
        type: "image",
        mediaId: "1003383421387256",
        url: "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=133...",
        mimeType: "image/jpeg",
        sha256: "SfInY0gGKTsJlUWbwxC1k+FAD0FZHvzwfpvO0zX0GUI=",
        caption: "Taj Mahal",
      },
    }),
  ),
  "wa-video-message.json": events(
    inbound({
      timestamp: seconds(1749421340),
      externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUQyMDdCNzE4RTk2MEVCMDU5NgA=",
      content: { type: "video", mediaId: "1166846181421424", mimeType: "video/mp4", sha256: "Jh+2ij6PzUv/J2y+grrtegr/ZMzRxkEPwc24Oyib4s0=", caption: "Unboxing" },
    }),
  ),
  "wa-audio-voice-message.json": events(
    inbound({
      timestamp: seconds(1749421500),
      externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTNCOEY2QUI4RTFFN0Q4QjQ5NwA=",
      content: { type: "audio", mediaId: "1003383421387256", mimeType: "audio/ogg; codecs=opus", sha256: "m04pFf2ERdaopTyFkGPA0+bX3i+YY2dYgVFwOgDLSDI=" },
    }),
  ),
  "wa-document-message.json": events(
    inbound({
      timestamp: seconds(1749421777),
      externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUIxOEM3NEI5QzIwMEIwQzg5OQA=",
      content: {
        type: "file",
        mediaId: "2534981146851233",
        mimeType: "application/pdf",
        sha256: "grwfwe/ZPx0wAbdfbdeFUNItPZ0RylL8gGUvdt3YFqc=",
        caption: "Invoice for May",
        filename: "invoice-2025-05.pdf",
      },
    }),
  ),
  "wa-sticker-message.json": events(
    inbound({
      timestamp: seconds(1749421002),
      externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTg2NzZCMzM3OTI2NDVCNkU2NwA=",
      content: {
        type: "sticker",
        mediaId: "1228471455291834",
        url: "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1228471455291834&ext=1749424602",
        mimeType: "image/webp",
        sha256: "O6gsLVk1xGnYn0nFQOxiTUKk8XbiMlWvzkCBWb7zdOw=",
      },
    }),
  ),
  "wa-location-message.json": events(
    inbound({
      timestamp: seconds(1749420114),
      externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTM3RjI1RkE5MzQ1RjYyMDBBNgA=",
      content: {
        type: "location",
        latitude: 37.483307,
        longitude: -122.148981,
        name: "Meta Headquarters",
        address: "1 Hacker Way, Menlo Park, CA 94025",
        url: "https://www.meta.com",
      },
    }),
  ),
  "wa-contacts-message.json": events(
    inbound({
      timestamp: seconds(1749420500),
      externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUVGNzI0QjE4NjBBOThDMDRGRAA=",
      content: {
        type: "contacts",
        contacts: [
          { name: "Barbara J. Johnson", phones: ["+1 (415) 555-0123", "+1 (415) 555-0199"], emails: ["bjohnson@example.com"] },
          { name: "Pablo", phones: ["+1 650-555-1234"] },
        ],
      },
    }),
  ),
  "wa-interactive-button-reply.json": events(
    inbound({
      contact: pablo,
      timestamp: seconds(1714510003),
      externalId: "wamid.HBgLMTY0NjcwNDM1OTUVAgASGBQzQThBREYwNzc2RDc2QjA1QTIwMgA=",
      content: { type: "interactive", reply: { kind: "button", id: "change-button", title: "Change" } },
      replyToExternalId: "wamid.HBgLMTY0NjcwNDM1OTUVAgARGBJBM0Y4RUU0RUNFQkFDMjYzQUMA",
    }),
  ),
  "wa-interactive-list-reply.json": events(
    inbound({
      contact: pablo,
      timestamp: seconds(1712595443),
      externalId: "wamid.HBgLMTY0NjcwNDM1OTUVAgASGBQzQTZDMzFGRUFBQjlDMzIzMzlEQwA=",
      content: {
        type: "interactive",
        reply: { kind: "list", id: "priority_express", title: "Priority Mail Express", description: "Next Day to 2 Days" },
      },
      replyToExternalId: "wamid.HBgLMTY0NjcwNDM1OTUVAgARGBIwMjg0RkMxOEMyMkNEQUFFRDgA",
    }),
  ),
  "wa-interactive-flow-reply.json": events(
    inbound({
      timestamp: seconds(1749425000),
      externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUE1NjQ5NDM1RDg0QjIxMkM3RQA=",
      content: { type: "unsupported", providerType: "interactive.nfm_reply" },
      replyToExternalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3NTJFNzE0RkJBQjUzRDY3RTYA",
    }),
  ),
  "wa-button-template-quick-reply.json": events(
    inbound({
      contact: pablo,
      timestamp: seconds(1749422010),
      externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUY5QjNGNTUxNzk5RTFBMzE1NAA=",
      content: { type: "interactive", reply: { kind: "button", id: "STOP_PROMOTIONS", title: "Stop promotions" } },
      replyToExternalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBIyNTZDQzE2MkFCM0Y3NjZFNzIA",
    }),
  ),
  "wa-reaction.json": events({
    kind: "reaction",
    accountId: PHONE_NUMBER_ID,
    timestamp: seconds(1749419544),
    contact: sheena,
    targetExternalId: "wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=",
    emoji: "👍",
  }),
  "wa-reaction-removed.json": events({
    kind: "reaction",
    accountId: PHONE_NUMBER_ID,
    timestamp: seconds(1749419900),
    contact: sheena,
    targetExternalId: "wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=",
    emoji: null,
  }),
  "wa-unsupported-message.json": events(
    inbound({
      timestamp: seconds(1739321024),
      externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUJBNDc3NEY5NEY4NTQ2MTk1RgA=",
      content: { type: "unsupported", providerType: "poll_update" },
    }),
  ),
  "wa-unknown-type-message.json": events(
    inbound({
      timestamp: seconds(1697044706),
      externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTk5RUQ2QkU0QUQ0RkVGMjQ5MQA=",
      content: { type: "unsupported", providerType: "unknown" },
    }),
  ),
  "wa-text-reply-with-context.json": events(
    inbound({
      timestamp: seconds(1749422222),
      externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTdCNjNFQjcwRkU2RUM5QjVBMQA=",
      content: { type: "text", text: "Yes, the blue one please" },
      replyToExternalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA",
    }),
  ),
  "wa-text-ad-referral.json": events(
    inbound({
      timestamp: seconds(1749422400),
      externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQThGNTFCMkU1NEFBRTg1QjMzMQA=",
      content: { type: "text", text: "Hi! I'd like the discount code" },
      referral: {
        source: "ad",
        adId: "120226305854810726",
        headline: "Summer sale: 20% off",
        body: "Chat with us to get your code",
        sourceUrl: "https://fb.me/3cr4Wqqkv",
      },
    }),
  ),
  "wa-system-user-changed-number.json": events(
    inbound({
      // System messages carry no contacts[]: the identity comes from `from` alone.
      contact: { externalId: "16505551234", phone: "+16505551234" },
      timestamp: seconds(1739321024),
      externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=",
      content: {
        type: "unsupported",
        providerType: "system.user_changed_number",
        text: "User Sheena Nelson changed from 16505551234 to 12195555358",
      },
    }),
  ),
  "wa-value-level-errors.json": {
    events: [
      inbound({
        timestamp: seconds(1700505494),
        externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUQ0RTE0RTg0RjE0NTM5NzhEOQA=",
        content: { type: "unsupported", providerType: "interactive" },
        replyToExternalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI2QzQ1RkU0NjE3OEQ4QkY1MDEA",
      }),
    ],
    ignored: [
      { reason: 'WhatsApp reported error 131000 "Something went wrong": Unsupported webhook payload', path: "entry[0].changes[0].value.errors[0]" },
    ],
  },
  "wa-dashboard-test-text.json": events({
    kind: "message",
    accountId: "123456123",
    timestamp: seconds(1504902988),
    externalId: "ABGGFlA5Fpa",
    contact: { externalId: "16315551181", displayName: "test user name", phone: "+16315551181" },
    content: { type: "text", text: "this is a text message" },
  }),
  "wa-two-entries.json": events(
    inbound({
      timestamp: seconds(1749423000),
      externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTFFMjY0QzJFQkU0QUZBNTYxNwA=",
      content: { type: "text", text: "First entry" },
    }),
    {
      kind: "status",
      accountId: "110200345501442",
      timestamp: seconds(1749423005),
      externalId: "wamid.HBgLMTU1NTAwMDk4NzYVAgARGBI3RTBFMDVGRjg1QzI3OTg4QjAA",
      status: "delivered",
      recipientId: "15550009876",
    },
  ),
  "wa-batch-two-senders.json": events(
    inbound({
      contact: { externalId: "16505550000", displayName: "Pablo Morales", phone: "+16505550000" },
      timestamp: seconds(1749424001),
      externalId: "wamid.HBgLMTY1MDU1NTAwMDAVAgASGBQzQTg4MDcwMzQ4QUQwRjVBOEQ0QgA=",
      content: { type: "text", text: "Pablo here" },
    }),
    inbound({
      timestamp: seconds(1749424002),
      externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUM0NTZBRjg2OEM4QTNDNTQyMAA=",
      content: { type: "text", text: "Sheena here" },
    }),
  ),
  "wa-username-only-contact.json": events(
    inbound({
      // No phone number in the payload: the business-scoped user id is the key.
      contact: { externalId: "US.13491208655302741918", displayName: "Sheena Nelson", username: "@sheena.n" },
      timestamp: seconds(1776944344),
      externalId: "wamid.HBgLVVMuMTM0OTEyMDg2NTUzMDI3NDE5MTgVAgASGBQzQUFFNTU4QzgxQzNBQUExQzUwMEMA",
      content: { type: "text", text: "Hello from a username" },
    }),
  ),
  "wa-status-sent.json": events({
    kind: "status",
    accountId: PHONE_NUMBER_ID,
    timestamp: seconds(1750030073),
    externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=",
    status: "sent",
    recipientId: "16505551234",
  }),
  "wa-status-delivered.json": events({
    kind: "status",
    accountId: PHONE_NUMBER_ID,
    timestamp: seconds(1750030080),
    externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=",
    status: "delivered",
    recipientId: "16505551234",
  }),
  "wa-status-read.json": events({
    kind: "status",
    accountId: PHONE_NUMBER_ID,
    timestamp: seconds(1750030142),
    externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=",
    status: "read",
    recipientId: "16505551234",
  }),
  "wa-status-failed-131047.json": events({
    kind: "status",
    accountId: PHONE_NUMBER_ID,
    timestamp: seconds(1751142888),
    externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0QUQ2MjA4NEYyRkExNjMyREUA",
    status: "failed",
    recipientId: "16505551234",
    error: {
      code: "131047",
      title: "Re-engagement message",
      message: "Re-engagement message",
      details: "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
    },
  }),
  "wa-template-status-approved.json": events({
    kind: "template_status",
    accountId: WABA_ID,
    timestamp: seconds(1751247548),
    templateId: "1689556908129832",
    name: "order_confirmation",
    language: "en-US",
    event: "APPROVED",
    category: "UTILITY",
  }),
  "wa-account-update-unknown-field.json": {
    events: [],
    ignored: [{ reason: 'field "account_update" is not handled', path: "entry[0].changes[0]" }],
  },
};

const textMessage = (n: number) => ({
  from: "16505551234",
  id: `wamid.batch-${n}`,
  timestamp: String(1749416383 + n),
  type: "text",
  text: { body: `message ${n}` },
});
const delivery = (value: Record<string, unknown>, field = "messages") => ({
  object: "whatsapp_business_account",
  entry: [
    {
      id: WABA_ID,
      changes: [
        { field, value: { messaging_product: "whatsapp", metadata: { display_phone_number: "15550783881", phone_number_id: PHONE_NUMBER_ID }, ...value } },
      ],
    },
  ],
});

describe("parseWhatsAppWebhook", () => {
  it("has an expectation for every WhatsApp fixture file", () => {
    expect(Object.keys(expected).sort()).toEqual(readdirSync(DIR).filter((name) => name.endsWith(".json")).sort());
  });

  it.each(Object.entries(expected))("parses %s into exactly the expected events", (name, result) => {
    expect(parseWhatsAppWebhook(fixture(name))).toStrictEqual(result);
  });

  it("emits one event per message of a 100-message batch, in order", () => {
    const messages = Array.from({ length: 100 }, (_, n) => textMessage(n));
    const result = parseWhatsAppWebhook(delivery({ contacts: [{ profile: { name: "Sheena Nelson" }, wa_id: "16505551234" }], messages }));
    expect(result.ignored).toEqual([]);
    expect(result.events).toEqual(
      messages.map((message, n) =>
        inbound({ timestamp: seconds(1749416383 + n), externalId: message.id, content: { type: "text", text: `message ${n}` } }),
      ),
    );
  });

  it("reads every change of an entry and every status of a change", () => {
    const statuses = ["sent", "delivered", "read"].map((status, n) => ({ id: `wamid.s${n}`, status, timestamp: "1750030073", recipient_id: "16505551234" }));
    const first = delivery({ statuses });
    const second = delivery({ statuses: [{ ...statuses[0], id: "wamid.second-change" }] });
    const body = { ...first, entry: [{ ...first.entry[0], changes: [...first.entry[0]!.changes, ...second.entry[0]!.changes] }] };
    const result = parseWhatsAppWebhook(body);
    expect(result.events.map((event) => (event.kind === "status" ? [event.externalId, event.status] : null))).toEqual([
      ["wamid.s0", "sent"],
      ["wamid.s1", "delivered"],
      ["wamid.s2", "read"],
      ["wamid.second-change", "sent"],
    ]);
  });

  it("accepts timestamps as numbers as well as strings", () => {
    const asNumber = parseWhatsAppWebhook(delivery({ messages: [{ ...textMessage(0), timestamp: 1749416383 }] }));
    const asString = parseWhatsAppWebhook(delivery({ messages: [textMessage(0)] }));
    expect(asNumber.events[0]?.timestamp).toEqual(seconds(1749416383));
    expect(asNumber).toEqual(asString);
  });

  it("keeps the rest of a batch when one message is malformed", () => {
    const withoutId: Record<string, unknown> = textMessage(1);
    delete withoutId.id;
    const result = parseWhatsAppWebhook(delivery({ messages: [textMessage(0), withoutId, { ...textMessage(2), timestamp: "yesterday" }, textMessage(3)] }));
    expect(result.events.map((event) => (event.kind === "message" ? event.externalId : null))).toEqual(["wamid.batch-0", "wamid.batch-3"]);
    expect(result.ignored).toEqual([
      { reason: expect.stringContaining("malformed message (id:"), path: "entry[0].changes[0].value.messages[1]" },
      { reason: expect.stringContaining("malformed message (timestamp:"), path: "entry[0].changes[0].value.messages[2]" },
    ]);
  });

  it("reports a removed reaction when the emoji key is missing", () => {
    const result = parseWhatsAppWebhook(
      delivery({ messages: [{ from: "16505551234", id: "wamid.r", timestamp: "1749419544", type: "reaction", reaction: { message_id: "wamid.target" } }] }),
    );
    expect(result.events).toEqual([
      { kind: "reaction", accountId: PHONE_NUMBER_ID, timestamp: seconds(1749419544), contact: { externalId: "16505551234", phone: "+16505551234" }, targetExternalId: "wamid.target", emoji: null },
    ]);
  });

  it("marks a message whose content object is missing as unsupported instead of dropping it", () => {
    const result = parseWhatsAppWebhook(delivery({ messages: [{ from: "16505551234", id: "wamid.x", timestamp: "1749419544", type: "image" }] }));
    expect(result.events).toEqual([
      inbound({ contact: { externalId: "16505551234", phone: "+16505551234" }, timestamp: seconds(1749419544), externalId: "wamid.x", content: { type: "unsupported", providerType: "image" } }),
    ]);
  });

  it("ignores statuses it does not track, with a reason", () => {
    const result = parseWhatsAppWebhook(delivery({ statuses: [{ id: "wamid.d", status: "deleted", timestamp: "1750030073", recipient_id: "16505551234" }] }));
    expect(result).toEqual({ events: [], ignored: [{ reason: 'status "deleted" is not tracked', path: "entry[0].changes[0].value.statuses[0]" }] });
  });

  it("ignores a messages change without metadata, with a reason", () => {
    const result = parseWhatsAppWebhook({ object: "whatsapp_business_account", entry: [{ id: WABA_ID, changes: [{ field: "messages", value: { messages: [textMessage(0)] } }] }] });
    expect(result.events).toEqual([]);
    expect(result.ignored).toEqual([{ reason: expect.stringContaining("malformed messages value (metadata"), path: "entry[0].changes[0].value" }]);
  });

  it("ignores another object (an Instagram or Page delivery sent to the wrong endpoint) without throwing", () => {
    expect(parseWhatsAppWebhook({ object: "page", entry: [{ id: "1", changes: [] }] })).toEqual({
      events: [],
      ignored: [{ reason: 'object "page" is not a WhatsApp Business Account delivery', path: "object" }],
    });
  });

  it("ignores a malformed entry and keeps the next one", () => {
    const body = delivery({ messages: [textMessage(0)] });
    const result = parseWhatsAppWebhook({ ...body, entry: ["not an entry", ...body.entry] });
    expect(result.events).toHaveLength(1);
    expect(result.ignored).toEqual([{ reason: expect.stringContaining("malformed entry"), path: "entry[0]" }]);
  });

  it.each([
    ["null", null],
    ["a string", "object=whatsapp_business_account"],
    ["an array", [{ object: "whatsapp_business_account", entry: [] }]],
    ["an object without entry", { object: "whatsapp_business_account" }],
    ["an object without object", { entry: [] }],
    ["entry that is not an array", { object: "whatsapp_business_account", entry: {} }],
    ["a bare change (field + value) instead of an envelope", { field: "messages", value: {} }],
  ])("throws WebhookPayloadError for %s", (_, body) => {
    expect(() => parseWhatsAppWebhook(body)).toThrow(WebhookPayloadError);
  });

  it("throws an error the HTTP layer maps to 400", () => {
    expect.assertions(2);
    try {
      parseWhatsAppWebhook(null);
    } catch (error) {
      expect(error).toBeInstanceOf(WebhookPayloadError);
      expect(error).toMatchObject({ code: "bad_request", status: 400, provider: "whatsapp_cloud" });
    }
  });
});
