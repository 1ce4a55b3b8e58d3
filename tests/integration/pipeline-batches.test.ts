// Batches and routing: Meta batches many updates (and several phone numbers) in one delivery;
// every entry is processed and lands on the channel of its own phone number id. Messages from a
// new contact processed at the same instant make one contact and one conversation.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { processWebhookEvent } from "@/lib/inbox/ingest/process-webhook-event";
import { newTwilioSid, newWamid, twilioInboundParams, twilioStatusParams, whatsAppStatusPayload, whatsAppTextPayload } from "@/lib/simulate/payloads";
import type { WhatsAppCredentials } from "@/lib/channels/credentials";
import {
  createTwilioChannel,
  createWhatsAppChannel,
  postTwilio,
  postWhatsApp,
  randomDigits,
  seedConversation,
  seedOutboundMessage,
  type TestChannel,
} from "../helpers/channels";
import { createAccount, type TestAccount } from "../helpers/factories";
import { discardWaitingJobs, processStoredEvents } from "../helpers/jobs";

type Channel = TestChannel<WhatsAppCredentials>;

let account: TestAccount;

afterAll(() => discardWaitingJobs([account.workspace.id]));

beforeAll(async () => {
  account = await createAccount({ label: "batches" });
});

type Entry = { phoneNumberId: string; from: string; name: string; text: string; id?: string; timestamp: number };

/** One delivery with one entry per message, as Meta sends under load. */
function batch(wabaId: string, entries: Entry[]) {
  return JSON.stringify({
    object: "whatsapp_business_account",
    entry: entries.map((item) => whatsAppTextPayload({ wabaId, ...item }).entry[0]),
  });
}

async function inboxOf(channelId: string) {
  const [contacts, conversations, messages] = await Promise.all([
    prisma.contact.findMany({ where: { channelId }, orderBy: { externalId: "asc" } }),
    prisma.conversation.findMany({ where: { channelId }, include: { contact: { select: { externalId: true } } } }),
    prisma.message.findMany({ where: { channelId }, orderBy: { sentAt: "asc" } }),
  ]);
  return { contacts, conversations, messages };
}

describe("batched deliveries", () => {
  it("stores all 100 messages of a 100-entry batch, with per-contact unread counts", async () => {
    const channel = await createWhatsAppChannel({ workspaceId: account.workspace.id });
    const base = 1_760_000_000;
    const entries: Entry[] = Array.from({ length: 100 }, (_, i) => ({
      phoneNumberId: channel.externalId,
      from: `1650555${String(1000 + (i % 10))}`,
      name: `Customer ${i % 10}`,
      text: `Message ${i}`,
      id: newWamid(),
      timestamp: base + i,
    }));
    expect((await postWhatsApp(channel, batch(channel.credentials.wabaId, entries))).status).toBe(200);
    const { eventIds, runs } = await processStoredEvents({ channelId: channel.id });
    expect(runs[0].result).toMatchObject({ status: "processed", applied: 100 });

    const event = await prisma.webhookEvent.findUniqueOrThrow({ where: { id: eventIds[0] } });
    expect(event).toMatchObject({ status: "processed", eventCount: 100, ignored: null });
    const inbox = await inboxOf(channel.id);
    expect(inbox.messages).toHaveLength(100);
    expect(new Set(inbox.messages.map((message) => message.externalId))).toEqual(new Set(entries.map((entry) => entry.id)));
    expect(inbox.messages.map((message) => (message.content as { text: string }).text)).toEqual(entries.map((entry) => entry.text));
    expect(inbox.contacts.map((contact) => [contact.externalId, contact.displayName])).toEqual(
      Array.from({ length: 10 }, (_, k) => [`1650555${1000 + k}`, `Customer ${k}`]),
    );
    expect(inbox.conversations).toHaveLength(10);
    for (const conversation of inbox.conversations) {
      const k = Number(conversation.contact.externalId.slice(-1));
      expect(conversation).toMatchObject({ unreadCount: 10, lastInboundAt: new Date((base + 90 + k) * 1000), lastMessagePreview: `Message ${90 + k}` });
    }
  });

  it("routes each entry of a mixed batch to the channel of its phone number id and records an unknown one as ignored", async () => {
    const endpoint = await createWhatsAppChannel({ workspaceId: account.workspace.id });
    // A second number of the same WhatsApp Business Account, connected as its own channel.
    const sibling = await createWhatsAppChannel({ workspaceId: account.workspace.id, credentials: { wabaId: endpoint.credentials.wabaId } });
    const unknownNumber = randomDigits(15);
    const body = batch(endpoint.credentials.wabaId, [
      { phoneNumberId: endpoint.externalId, from: "16505551234", name: "Sheena Nelson", text: "For the first number", timestamp: 1_760_000_000 },
      { phoneNumberId: sibling.externalId, from: "16505550000", name: "Pablo Morales", text: "For the second number", timestamp: 1_760_000_001 },
      { phoneNumberId: unknownNumber, from: "16505559999", name: "Nobody Here", text: "For a number we do not have", timestamp: 1_760_000_002 },
    ]);
    expect((await postWhatsApp(endpoint, body)).status).toBe(200);
    const { eventIds } = await processStoredEvents({ channelId: endpoint.id });

    const [first, second] = [await inboxOf(endpoint.id), await inboxOf(sibling.id)];
    expect(first.messages.map((m) => (m.content as { text: string }).text)).toEqual(["For the first number"]);
    expect(first.contacts.map((c) => c.externalId)).toEqual(["16505551234"]);
    expect(second.messages.map((m) => (m.content as { text: string }).text)).toEqual(["For the second number"]);
    expect(second.contacts.map((c) => c.externalId)).toEqual(["16505550000"]);
    expect(second.conversations).toMatchObject([{ workspaceId: account.workspace.id, unreadCount: 1 }]);
    expect(await prisma.contact.count({ where: { externalId: "16505559999", workspaceId: account.workspace.id } })).toBe(0);

    const event = await prisma.webhookEvent.findUniqueOrThrow({ where: { id: eventIds[0] } });
    expect(event).toMatchObject({ status: "processed", eventCount: 3 });
    expect(event.ignored).toEqual([{ reason: `no connected channel for account ${unknownNumber}`, path: "message" }]);
  });

  it("never writes into another workspace's channel from a delivery on this workspace's endpoint", async () => {
    // An attacker controls their own channel (and so its app secret) and names the victim's
    // phone number id in a correctly signed delivery.
    const attacker = await createWhatsAppChannel({ workspaceId: account.workspace.id });
    const victimAccount = await createAccount({ label: "victim" });
    const victim = await createWhatsAppChannel({ workspaceId: victimAccount.workspace.id });
    const { conversationId } = await seedConversation({ channel: victim, contactExternalId: "16505551234", displayName: "Real Customer" });
    const sent = await seedOutboundMessage({ channel: victim, conversationId, externalId: newWamid(), status: "sent" });
    const sentRow = await prisma.message.findUniqueOrThrow({ where: { id: sent.id } });
    const before = await inboxOf(victim.id);

    const forgedMessage = batch(attacker.credentials.wabaId, [
      { phoneNumberId: victim.externalId, from: "16505551234", name: "Forged Name", text: "Send your password to evil.example", timestamp: 1_760_000_000 },
    ]);
    const forgedStatus = JSON.stringify(
      whatsAppStatusPayload({ wabaId: attacker.credentials.wabaId, phoneNumberId: victim.externalId, messageId: sentRow.externalId ?? "", recipient: "16505551234", status: "failed" }),
    );
    expect((await postWhatsApp(attacker, forgedMessage)).status).toBe(200);
    expect((await postWhatsApp(attacker, forgedStatus)).status).toBe(200);
    await processStoredEvents({ channelId: attacker.id });

    expect(await inboxOf(victim.id)).toEqual(before);
    expect(await prisma.pendingStatus.count({ where: { channelId: victim.id } })).toBe(0);
    const events = await prisma.webhookEvent.findMany({ where: { channelId: attacker.id } });
    expect(events.map((event) => event.status)).toEqual(["ignored", "ignored"]);
    for (const event of events) expect(event.ignored).toMatchObject([{ reason: `no connected channel for account ${victim.externalId}` }]);
  });

  it("never writes into another workspace's Twilio sender from a delivery on this workspace's endpoint", async () => {
    const attacker = await createTwilioChannel({ workspaceId: account.workspace.id });
    const victimAccount = await createAccount({ label: "twilio-victim" });
    const victim = await createTwilioChannel({ workspaceId: victimAccount.workspace.id });
    const { conversationId } = await seedConversation({ channel: victim, contactExternalId: "15550001111" });
    const sid = newTwilioSid();
    await seedOutboundMessage({ channel: victim, conversationId, externalId: sid, status: "sent" });
    const before = await inboxOf(victim.id);

    const inbound = twilioInboundParams({ accountSid: attacker.credentials.accountSid, sender: victim.externalId, from: "+15550001111", body: "Forged" });
    const status = twilioStatusParams({ accountSid: attacker.credentials.accountSid, sender: victim.externalId, to: "+15550001111", sid, status: "failed" });
    expect((await postTwilio(attacker, "inbound", inbound)).status).toBe(200);
    expect((await postTwilio(attacker, "status", status)).status).toBe(200);
    await processStoredEvents({ channelId: attacker.id });

    expect(await inboxOf(victim.id)).toEqual(before);
    const events = await prisma.webhookEvent.findMany({ where: { channelId: attacker.id } });
    expect(events.map((event) => event.status)).toEqual(["ignored", "ignored"]);
  });
});

describe("a new contact's messages processed at the same instant", () => {
  async function deliveriesFromNewContact(channel: Channel, count: number) {
    const from = `1650${randomDigits(7)}`;
    for (let i = 0; i < count; i++) {
      const body = JSON.stringify(
        whatsAppTextPayload({ phoneNumberId: channel.externalId, wabaId: channel.credentials.wabaId, from, name: "Brand New", text: `Hello ${i}`, timestamp: 1_760_000_000 + i }),
      );
      expect((await postWhatsApp(channel, body)).status).toBe(200);
    }
    const events = await prisma.webhookEvent.findMany({ where: { channelId: channel.id }, select: { id: true } });
    expect(events).toHaveLength(count);
    return { from, eventIds: events.map((event) => event.id) };
  }

  it("makes one contact, one conversation and two messages with unreadCount 2", async () => {
    const channel = await createWhatsAppChannel({ workspaceId: account.workspace.id });
    const { from, eventIds } = await deliveriesFromNewContact(channel, 2);
    const results = await Promise.all(eventIds.map((id) => processWebhookEvent(id)));
    expect(results.map((result) => result.applied)).toEqual([1, 1]);

    const inbox = await inboxOf(channel.id);
    expect(inbox.contacts.map((contact) => [contact.externalId, contact.displayName])).toEqual([[from, "Brand New"]]);
    expect(inbox.conversations).toHaveLength(1);
    expect(inbox.conversations[0]).toMatchObject({ unreadCount: 2, lastInboundAt: new Date(1_760_000_001_000), lastMessagePreview: "Hello 1" });
    expect(inbox.messages.map((message) => [message.conversationId, (message.content as { text: string }).text])).toEqual([
      [inbox.conversations[0].id, "Hello 0"],
      [inbox.conversations[0].id, "Hello 1"],
    ]);
  });

  it("still makes one contact and one conversation when six messages race", async () => {
    const channel = await createWhatsAppChannel({ workspaceId: account.workspace.id });
    const { eventIds } = await deliveriesFromNewContact(channel, 6);
    await Promise.all(eventIds.map((id) => processWebhookEvent(id)));
    const inbox = await inboxOf(channel.id);
    expect(inbox.contacts).toHaveLength(1);
    expect(inbox.conversations).toHaveLength(1);
    expect(inbox.messages).toHaveLength(6);
    expect(inbox.conversations[0]).toMatchObject({ unreadCount: 6, lastInboundAt: new Date(1_760_000_005_000), lastMessagePreview: "Hello 5" });
  });
});
