// Every WhatsApp Cloud API sample in tests/fixtures/whatsapp goes through the real endpoint
// (signed), is stored, processed by its job, and leaves exactly the rows an agent relies on.
// Each fixture gets its own channel; the sample's phone number id and WABA id are replaced by
// that channel's so parallel files never share rows.
import { readdirSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import type { WhatsAppCredentials } from "@/lib/channels/credentials";
import { createWhatsAppChannel, postWhatsApp, seedConversation, seedOutboundMessage, type TestChannel } from "../helpers/channels";
import { createAccount } from "../helpers/factories";
import { readJson } from "../helpers/http";
import { discardWaitingJobs, processStoredEvents } from "../helpers/jobs";

const FIXTURES = new URL("../fixtures/whatsapp/", import.meta.url);
const SAMPLE_PHONE_NUMBER_ID = "106540352242922";
const SAMPLE_WABA_ID = "102290129340398";

type Channel = TestChannel<WhatsAppCredentials>;

type ContactRow = { externalId: string; displayName: string | null; phone: string | null; username: string | null };
type MessageRow = {
  externalId: string;
  contentType: string;
  content: unknown;
  direction?: string;
  senderType?: string;
  status?: string;
  replyToExternalId?: string | null;
  referral?: unknown;
  sentAt?: Date;
};
type ConversationRow = { contact: string; unreadCount: number; lastInboundAt: Date | null; lastMessagePreview: string | null };

type Case = {
  /** Rows that exist before the delivery (outbound messages a status refers to). */
  seed?: (channel: Channel) => Promise<void>;
  status: "processed" | "ignored";
  ignored?: string[];
  contacts?: ContactRow[];
  messages?: MessageRow[];
  conversations?: ConversationRow[];
  /** Anything else the fixture must leave behind. */
  check?: (channel: Channel) => Promise<void>;
};

const SHEENA: ContactRow = { externalId: "16505551234", displayName: "Sheena Nelson", phone: "+16505551234", username: null };
const PABLO_ON_SHEENAS_NUMBER: ContactRow = { ...SHEENA, displayName: "Pablo Morales" };

const at = (unixSeconds: number) => new Date(unixSeconds * 1000);

/** One inbound message from `contact`: the message, its conversation, the contact. */
function oneMessage(contact: ContactRow, message: Omit<MessageRow, "sentAt"> & { at: number }, preview: string): Pick<Case, "status" | "contacts" | "messages" | "conversations"> {
  const { at: seconds, ...row } = message;
  return {
    status: "processed",
    contacts: [contact],
    messages: [{ direction: "inbound", senderType: "contact", status: "received", replyToExternalId: null, referral: null, ...row, sentAt: at(seconds) }],
    conversations: [{ contact: contact.externalId, unreadCount: 1, lastInboundAt: at(seconds), lastMessagePreview: preview }],
  };
}

/** An outbound message the status in the fixture refers to, already sent. */
function seedSent(externalId: string, status: "pending" | "sent" | "delivered" = "sent") {
  return async (channel: Channel) => {
    const { conversationId } = await seedConversation({ channel, contactExternalId: "16505551234", displayName: "Sheena Nelson", phone: "+16505551234" });
    await seedOutboundMessage({ channel, conversationId, externalId, status });
  };
}

function statusCase(externalId: string, from: "pending" | "sent" | "delivered", expected: Record<string, unknown>, step: string): Case {
  return {
    seed: seedSent(externalId, from),
    status: "processed",
    check: async (channel) => {
      const message = await prisma.message.findUniqueOrThrow({ where: { channelId_externalId: { channelId: channel.id, externalId } } });
      expect(message).toMatchObject(expected);
      const traces = await prisma.messageTrace.findMany({ where: { messageId: message.id }, select: { step: true } });
      expect(traces.map((trace) => trace.step)).toEqual([step]);
      expect(await prisma.pendingStatus.count({ where: { channelId: channel.id } })).toBe(0);
    },
  };
}

const STATUS_WAMID = "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=";

const cases: Record<string, Case> = {
  "wa-account-update-unknown-field.json": { status: "ignored", ignored: ['field "account_update" is not handled'], contacts: [], messages: [] },
  "wa-audio-voice-message.json": oneMessage(
    SHEENA,
    {
      at: 1749421500,
      externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTNCOEY2QUI4RTFFN0Q4QjQ5NwA=",
      contentType: "audio",
      content: { type: "audio", mediaId: "1003383421387256", mimeType: "audio/ogg; codecs=opus", sha256: "m04pFf2ERdaopTyFkGPA0+bX3i+YY2dYgVFwOgDLSDI=" },
    },
    "[audio]",
  ),
  "wa-batch-two-senders.json": {
    status: "processed",
    contacts: [
      { externalId: "16505550000", displayName: "Pablo Morales", phone: "+16505550000", username: null },
      SHEENA,
    ],
    messages: [
      { externalId: "wamid.HBgLMTY1MDU1NTAwMDAVAgASGBQzQTg4MDcwMzQ4QUQwRjVBOEQ0QgA=", contentType: "text", content: { type: "text", text: "Pablo here" }, sentAt: at(1749424001) },
      { externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUM0NTZBRjg2OEM4QTNDNTQyMAA=", contentType: "text", content: { type: "text", text: "Sheena here" }, sentAt: at(1749424002) },
    ],
    conversations: [
      { contact: "16505550000", unreadCount: 1, lastInboundAt: at(1749424001), lastMessagePreview: "Pablo here" },
      { contact: "16505551234", unreadCount: 1, lastInboundAt: at(1749424002), lastMessagePreview: "Sheena here" },
    ],
  },
  "wa-button-template-quick-reply.json": oneMessage(
    PABLO_ON_SHEENAS_NUMBER,
    {
      at: 1749422010,
      externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUY5QjNGNTUxNzk5RTFBMzE1NAA=",
      contentType: "interactive",
      content: { type: "interactive", reply: { kind: "button", id: "STOP_PROMOTIONS", title: "Stop promotions" } },
      replyToExternalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBIyNTZDQzE2MkFCM0Y3NjZFNzIA",
    },
    "Stop promotions",
  ),
  "wa-contacts-message.json": oneMessage(
    SHEENA,
    {
      at: 1749420500,
      externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUVGNzI0QjE4NjBBOThDMDRGRAA=",
      contentType: "contacts",
      content: {
        type: "contacts",
        contacts: [
          { name: "Barbara J. Johnson", phones: ["+1 (415) 555-0123", "+1 (415) 555-0199"], emails: ["bjohnson@example.com"] },
          { name: "Pablo", phones: ["+1 650-555-1234"] },
        ],
      },
    },
    "[contact] Barbara J. Johnson, Pablo",
  ),
  // The App Dashboard's "Test" button uses a made-up phone number id no channel has.
  "wa-dashboard-test-text.json": { status: "ignored", ignored: ["no connected channel for account 123456123"], contacts: [], messages: [] },
  "wa-document-message.json": oneMessage(
    SHEENA,
    {
      at: 1749421777,
      externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUIxOEM3NEI5QzIwMEIwQzg5OQA=",
      contentType: "file",
      content: {
        type: "file",
        mediaId: "2534981146851233",
        mimeType: "application/pdf",
        sha256: "grwfwe/ZPx0wAbdfbdeFUNItPZ0RylL8gGUvdt3YFqc=",
        caption: "Invoice for May",
        filename: "invoice-2025-05.pdf",
      },
    },
    "Invoice for May",
  ),
  "wa-image-message.json": oneMessage(
    SHEENA,
    {
      at: 1744344496,
      externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
      contentType: "image",
      content: {
        type: "image",
        mediaId: "1003383421387256",
        url: "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=133...",
        mimeType: "image/jpeg",
        sha256: "SfInY0gGKTsJlUWbwxC1k+FAD0FZHvzwfpvO0zX0GUI=",
        caption: "Taj Mahal",
      },
    },
    "Taj Mahal",
  ),
  "wa-interactive-button-reply.json": oneMessage(
    PABLO_ON_SHEENAS_NUMBER,
    {
      at: 1714510003,
      externalId: "wamid.HBgLMTY0NjcwNDM1OTUVAgASGBQzQThBREYwNzc2RDc2QjA1QTIwMgA=",
      contentType: "interactive",
      content: { type: "interactive", reply: { kind: "button", id: "change-button", title: "Change" } },
      replyToExternalId: "wamid.HBgLMTY0NjcwNDM1OTUVAgARGBJBM0Y4RUU0RUNFQkFDMjYzQUMA",
    },
    "Change",
  ),
  "wa-interactive-flow-reply.json": oneMessage(
    SHEENA,
    {
      at: 1749425000,
      externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUE1NjQ5NDM1RDg0QjIxMkM3RQA=",
      contentType: "unsupported",
      content: { type: "unsupported", providerType: "interactive.nfm_reply" },
      replyToExternalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3NTJFNzE0RkJBQjUzRDY3RTYA",
    },
    "[interactive.nfm_reply message]",
  ),
  "wa-interactive-list-reply.json": oneMessage(
    PABLO_ON_SHEENAS_NUMBER,
    {
      at: 1712595443,
      externalId: "wamid.HBgLMTY0NjcwNDM1OTUVAgASGBQzQTZDMzFGRUFBQjlDMzIzMzlEQwA=",
      contentType: "interactive",
      content: { type: "interactive", reply: { kind: "list", id: "priority_express", title: "Priority Mail Express", description: "Next Day to 2 Days" } },
      replyToExternalId: "wamid.HBgLMTY0NjcwNDM1OTUVAgARGBIwMjg0RkMxOEMyMkNEQUFFRDgA",
    },
    "Priority Mail Express",
  ),
  "wa-location-message.json": oneMessage(
    SHEENA,
    {
      at: 1749420114,
      externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTM3RjI1RkE5MzQ1RjYyMDBBNgA=",
      contentType: "location",
      content: { type: "location", latitude: 37.483307, longitude: -122.148981, name: "Meta Headquarters", address: "1 Hacker Way, Menlo Park, CA 94025", url: "https://www.meta.com" },
    },
    "[location] Meta Headquarters",
  ),
  // A reaction is kept as a message pointing at its target; it neither counts as unread nor
  // reopens the 24-hour window.
  "wa-reaction-removed.json": {
    status: "processed",
    contacts: [SHEENA],
    messages: [
      {
        externalId: "reaction:wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=:16505551234:1749419900000",
        contentType: "reaction",
        content: { type: "reaction", emoji: null, targetExternalId: "wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=" },
        direction: "inbound",
        sentAt: at(1749419900),
      },
    ],
    conversations: [{ contact: "16505551234", unreadCount: 0, lastInboundAt: null, lastMessagePreview: null }],
  },
  "wa-reaction.json": {
    status: "processed",
    contacts: [SHEENA],
    messages: [
      {
        externalId: "reaction:wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=:16505551234:1749419544000",
        contentType: "reaction",
        content: { type: "reaction", emoji: "👍", targetExternalId: "wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=" },
        direction: "inbound",
        sentAt: at(1749419544),
      },
    ],
    conversations: [{ contact: "16505551234", unreadCount: 0, lastInboundAt: null, lastMessagePreview: null }],
  },
  "wa-status-sent.json": statusCase(STATUS_WAMID, "pending", { status: "sent", statusAt: at(1750030073), errorCode: null }, "status_sent"),
  "wa-status-delivered.json": statusCase(STATUS_WAMID, "sent", { status: "delivered", statusAt: at(1750030080), errorCode: null }, "status_delivered"),
  "wa-status-read.json": statusCase(STATUS_WAMID, "delivered", { status: "read", statusAt: at(1750030142), errorCode: null }, "status_read"),
  "wa-status-failed-131047.json": statusCase(
    "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0QUQ2MjA4NEYyRkExNjMyREUA",
    "sent",
    {
      status: "failed",
      statusAt: at(1751142888),
      errorCode: "131047",
      errorMessage: "Re-engagement message — Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
    },
    "status_failed",
  ),
  "wa-sticker-message.json": oneMessage(
    SHEENA,
    {
      at: 1749421002,
      externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTg2NzZCMzM3OTI2NDVCNkU2NwA=",
      contentType: "sticker",
      content: {
        type: "sticker",
        mediaId: "1228471455291834",
        url: "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1228471455291834&ext=1749424602",
        mimeType: "image/webp",
        sha256: "O6gsLVk1xGnYn0nFQOxiTUKk8XbiMlWvzkCBWb7zdOw=",
      },
    },
    "[sticker]",
  ),
  // No contacts[]: the sender is known by number only.
  "wa-system-user-changed-number.json": oneMessage(
    { externalId: "16505551234", displayName: null, phone: "+16505551234", username: null },
    {
      at: 1739321024,
      externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=",
      contentType: "unsupported",
      content: { type: "unsupported", providerType: "system.user_changed_number", text: "User Sheena Nelson changed from 16505551234 to 12195555358" },
    },
    "User Sheena Nelson changed from 16505551234 to 12195555358",
  ),
  // Template reviews name the WABA, not a number: they land on the endpoint's channel.
  "wa-template-status-approved.json": {
    status: "processed",
    contacts: [],
    messages: [],
    check: async (channel) => {
      const templates = await prisma.messageTemplate.findMany({ where: { channelId: channel.id } });
      expect(templates).toHaveLength(1);
      expect(templates[0]).toMatchObject({
        workspaceId: channel.workspaceId,
        externalId: "1689556908129832",
        name: "order_confirmation",
        language: "en-US",
        category: "UTILITY",
        status: "APPROVED",
        reason: null,
      });
    },
  },
  "wa-text-ad-referral.json": oneMessage(
    SHEENA,
    {
      at: 1749422400,
      externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQThGNTFCMkU1NEFBRTg1QjMzMQA=",
      contentType: "text",
      content: { type: "text", text: "Hi! I'd like the discount code" },
      referral: { source: "ad", adId: "120226305854810726", headline: "Summer sale: 20% off", body: "Chat with us to get your code", sourceUrl: "https://fb.me/3cr4Wqqkv" },
    },
    "Hi! I'd like the discount code",
  ),
  "wa-text-message.json": oneMessage(
    SHEENA,
    { at: 1749416383, externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=", contentType: "text", content: { type: "text", text: "Does it come in another color?" } },
    "Does it come in another color?",
  ),
  "wa-text-reply-with-context.json": oneMessage(
    SHEENA,
    {
      at: 1749422222,
      externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTdCNjNFQjcwRkU2RUM5QjVBMQA=",
      contentType: "text",
      content: { type: "text", text: "Yes, the blue one please" },
      replyToExternalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA",
    },
    "Yes, the blue one please",
  ),
  // The second entry is for a number with no channel here: recorded as ignored, the first kept.
  "wa-two-entries.json": {
    ...oneMessage(
      SHEENA,
      { at: 1749423000, externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTFFMjY0QzJFQkU0QUZBNTYxNwA=", contentType: "text", content: { type: "text", text: "First entry" } },
      "First entry",
    ),
    ignored: ["no connected channel for account 110200345501442"],
  },
  "wa-unknown-type-message.json": oneMessage(
    SHEENA,
    { at: 1697044706, externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTk5RUQ2QkU0QUQ0RkVGMjQ5MQA=", contentType: "unsupported", content: { type: "unsupported", providerType: "unknown" } },
    "[unknown message]",
  ),
  "wa-unsupported-message.json": oneMessage(
    SHEENA,
    { at: 1739321024, externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUJBNDc3NEY5NEY4NTQ2MTk1RgA=", contentType: "unsupported", content: { type: "unsupported", providerType: "poll_update" } },
    "[poll_update message]",
  ),
  // A username user who withholds the number: the business-scoped id is the key, no phone.
  "wa-username-only-contact.json": oneMessage(
    { externalId: "US.13491208655302741918", displayName: "Sheena Nelson", phone: null, username: "@sheena.n" },
    { at: 1776944344, externalId: "wamid.HBgLVVMuMTM0OTEyMDg2NTUzMDI3NDE5MTgVAgASGBQzQUFFNTU4QzgxQzNBQUExQzUwMEMA", contentType: "text", content: { type: "text", text: "Hello from a username" } },
    "Hello from a username",
  ),
  "wa-value-level-errors.json": {
    ...oneMessage(
      SHEENA,
      {
        at: 1700505494,
        externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUQ0RTE0RTg0RjE0NTM5NzhEOQA=",
        contentType: "unsupported",
        content: { type: "unsupported", providerType: "interactive" },
        replyToExternalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI2QzQ1RkU0NjE3OEQ4QkY1MDEA",
      },
      "[interactive message]",
    ),
    ignored: ['WhatsApp reported error 131000 "Something went wrong": Unsupported webhook payload'],
  },
  "wa-video-message.json": oneMessage(
    SHEENA,
    {
      at: 1749421340,
      externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUQyMDdCNzE4RTk2MEVCMDU5NgA=",
      contentType: "video",
      content: { type: "video", mediaId: "1166846181421424", mimeType: "video/mp4", sha256: "Jh+2ij6PzUv/J2y+grrtegr/ZMzRxkEPwc24Oyib4s0=", caption: "Unboxing" },
    },
    "Unboxing",
  ),
};

let workspaceId: string;

afterAll(() => discardWaitingJobs([workspaceId]));

beforeAll(async () => {
  workspaceId = (await createAccount({ label: "wa-fixtures" })).workspace.id;
});

function fixtureFor(name: string, channel: Channel) {
  return readFileSync(new URL(name, FIXTURES), "utf8").replaceAll(SAMPLE_PHONE_NUMBER_ID, channel.externalId).replaceAll(SAMPLE_WABA_ID, channel.credentials.wabaId);
}

describe("WhatsApp Cloud API fixtures through the endpoint and the processing job", () => {
  it("has a case for every fixture file", () => {
    const files = readdirSync(FIXTURES).filter((file) => file.endsWith(".json")).sort();
    expect(files).toEqual(Object.keys(cases).sort());
  });

  for (const [name, expected] of Object.entries(cases)) {
    it(`stores ${name} as the right rows`, async () => {
      const channel = await createWhatsAppChannel({ workspaceId });
      await expected.seed?.(channel);
      const res = await postWhatsApp(channel, fixtureFor(name, channel));
      expect(res.status).toBe(200);
      expect(await readJson(res)).toEqual({ status: "stored" });
      const { eventIds } = await processStoredEvents({ channelId: channel.id });
      expect(eventIds).toHaveLength(1);

      const event = await prisma.webhookEvent.findUniqueOrThrow({ where: { id: eventIds[0] } });
      expect(event).toMatchObject({ status: expected.status, attempts: 1, lastError: null, workspaceId, channelId: channel.id });
      expect(event.processedAt).toBeInstanceOf(Date);
      const reasons = ((event.ignored ?? []) as { reason: string }[]).map((item) => item.reason);
      expect(reasons).toEqual(expected.ignored ?? []);

      if (expected.contacts) {
        const contacts = await prisma.contact.findMany({
          where: { channelId: channel.id },
          orderBy: { externalId: "asc" },
          select: { externalId: true, displayName: true, phone: true, username: true, workspaceId: true },
        });
        expect(contacts).toEqual(expected.contacts.map((contact) => ({ ...contact, workspaceId })));
      }
      if (expected.messages) {
        const messages = await prisma.message.findMany({ where: { channelId: channel.id }, orderBy: { sentAt: "asc" } });
        expect(messages).toHaveLength(expected.messages.length);
        expected.messages.forEach((message, i) => expect(messages[i]).toMatchObject({ workspaceId, ...message }));
      }
      if (expected.conversations) {
        const conversations = await prisma.conversation.findMany({
          where: { channelId: channel.id },
          include: { contact: { select: { externalId: true } } },
          orderBy: { contact: { externalId: "asc" } },
        });
        expect(
          conversations.map((c) => ({ contact: c.contact.externalId, unreadCount: c.unreadCount, lastInboundAt: c.lastInboundAt, lastMessagePreview: c.lastMessagePreview })),
        ).toEqual(expected.conversations);
        expect(conversations.every((c) => c.status === "open" && c.workspaceId === workspaceId)).toBe(true);
      }
      await expected.check?.(channel);
    });
  }
});
