// The Sandbox customer simulator goes through the same store → job → apply path as real
// providers: a member posts a customer message, the job turns it into a conversation the inbox
// lists, and the message's trace shows each step. Other workspaces see none of it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as listConversationMessages } from "@/app/api/conversations/[id]/messages/route";
import { GET as getTrace } from "@/app/api/messages/[id]/trace/route";
import { POST as simulate } from "@/app/api/sandbox/messages/route";
import { prisma } from "@/lib/db/client";
import { queues } from "@/lib/jobs/queues";
import { getSandboxChannel } from "../helpers/channels";
import { addMember, createAccount, type TestAccount } from "../helpers/factories";
import { call, readJson, type SessionSubject } from "../helpers/http";
import { discardWaitingJobs, listJobs, processStoredEvents } from "../helpers/jobs";

let owner: TestAccount;
let agent: SessionSubject;
let stranger: TestAccount;

afterAll(() => discardWaitingJobs([owner.workspace.id]));

beforeAll(async () => {
  owner = await createAccount({ label: "sandbox" });
  agent = (await addMember({ workspace: owner.workspace, invitedBy: owner.user, role: "agent" })).user;
  stranger = await createAccount({ label: "sandbox-stranger" });
});

function postCustomerMessage(as: SessionSubject | undefined, json: unknown, slug = owner.workspace.slug) {
  return call(simulate, "/api/sandbox/messages", { method: "POST", as, json, headers: { "x-workspace": slug } });
}

function messagesOf(as: SessionSubject, conversationId: string, slug = owner.workspace.slug) {
  return call(listConversationMessages, `/api/conversations/${conversationId}/messages`, { as, headers: { "x-workspace": slug }, params: { id: conversationId } });
}

function traceOf(as: SessionSubject, messageId: string, slug = owner.workspace.slug) {
  return call(getTrace, `/api/messages/${messageId}/trace`, { as, headers: { "x-workspace": slug }, params: { id: messageId } });
}

describe("Sandbox customer simulator", () => {
  let conversationId: string;
  let messageId: string;

  it("accepts a member's simulated message with 202 and stores it as a webhook event with its job", async () => {
    const res = await postCustomerMessage(agent, { contactName: "Ada Lovelace", text: "Do you ship to London?" });
    expect(res.status).toBe(202);
    const body = await readJson(res);
    expect(body).toEqual({ eventId: expect.any(String), messageId: expect.stringMatching(/^sandbox_in_/), contactExternalId: "sandbox-ada-lovelace" });
    const sandbox = await getSandboxChannel(owner.workspace.id);
    expect(await prisma.webhookEvent.findUniqueOrThrow({ where: { id: body.eventId } })).toMatchObject({
      provider: "sandbox",
      workspaceId: owner.workspace.id,
      channelId: sandbox.id,
      status: "pending",
    });
    expect(await listJobs({ queue: queues.processWebhook.name, match: { eventId: body.eventId } })).toHaveLength(1);

    await processStoredEvents({ id: body.eventId });
    const message = await prisma.message.findUniqueOrThrow({
      where: { channelId_externalId: { channelId: sandbox.id, externalId: body.messageId } },
      include: { conversation: { include: { contact: true } } },
    });
    expect(message).toMatchObject({ direction: "inbound", senderType: "contact", status: "received", contentType: "text", content: { type: "text", text: "Do you ship to London?" } });
    expect(message.conversation.contact).toMatchObject({ externalId: "sandbox-ada-lovelace", displayName: "Ada Lovelace", workspaceId: owner.workspace.id });
    expect(message.conversation).toMatchObject({ unreadCount: 1, lastMessagePreview: "Do you ship to London?", status: "open" });
    conversationId = message.conversationId;
    messageId = message.id;
  });

  it("lists the message in GET /api/conversations/[id]/messages with the contact's conversation", async () => {
    const res = await messagesOf(agent, conversationId);
    expect(res.status).toBe(200);
    const body = await readJson(res);
    expect(body.nextBefore).toBeNull();
    expect(body.messages).toHaveLength(1);
    expect(body.messages[0]).toMatchObject({ id: messageId, direction: "inbound", contentType: "text", content: { type: "text", text: "Do you ship to London?" }, status: "received", senderType: "contact" });
  });

  it("shows received → processed in GET /api/messages/[id]/trace, linked to the delivery", async () => {
    const res = await traceOf(agent, messageId);
    expect(res.status).toBe(200);
    const body = await readJson(res);
    expect(body.message).toMatchObject({ id: messageId, direction: "inbound", status: "received" });
    expect(body.steps.map((step: { step: string }) => step.step)).toEqual(["received", "processed"]);
    expect(body.steps[0].webhookEvent).toMatchObject({ provider: "sandbox", status: "processed" });
    expect(body.steps[1].detail).toMatchObject({ conversationId, blocked: false });
  });

  it("adds the same customer's next message to the same conversation", async () => {
    const res = await postCustomerMessage(owner.user, { contactExternalId: "sandbox-ada-lovelace", contactName: "Ada Lovelace", text: "And to Paris?" });
    expect(res.status).toBe(202);
    await processStoredEvents({ id: (await readJson(res)).eventId });
    const page = await readJson(await messagesOf(agent, conversationId));
    expect(page.messages.map((message: { content: { text: string } }) => message.content.text)).toEqual(["Do you ship to London?", "And to Paris?"]);
    expect(await prisma.conversation.findUniqueOrThrow({ where: { id: conversationId } })).toMatchObject({ unreadCount: 2, lastMessagePreview: "And to Paris?" });
  });

  it("answers 422 for an empty message and 401 without a session, storing nothing", async () => {
    const sandbox = await getSandboxChannel(owner.workspace.id);
    const before = await prisma.webhookEvent.count({ where: { channelId: sandbox.id } });
    const invalid = await postCustomerMessage(agent, { contactName: "Ada Lovelace", text: "   " });
    expect(invalid.status).toBe(422);
    expect((await readJson(invalid)).error.field).toBe("text");
    expect((await postCustomerMessage(undefined, { contactName: "Ada Lovelace", text: "Hi" })).status).toBe(401);
    expect(await prisma.webhookEvent.count({ where: { channelId: sandbox.id } })).toBe(before);
  });

  it("gives another workspace's member 403 on this workspace and 404 for its ids from their own", async () => {
    const sandbox = await getSandboxChannel(owner.workspace.id);
    const before = await prisma.webhookEvent.count({ where: { channelId: sandbox.id } });
    expect((await postCustomerMessage(stranger.user, { contactName: "Intruder", text: "Hello?" })).status).toBe(403);
    expect(await prisma.webhookEvent.count({ where: { channelId: sandbox.id } })).toBe(before);

    const strangerSlug = stranger.workspace.slug;
    for (const res of [await messagesOf(stranger.user, conversationId), await traceOf(stranger.user, messageId)]) {
      expect(res.status).toBe(403);
      expect(await res.text()).not.toContain("London");
    }
    for (const res of [await messagesOf(stranger.user, conversationId, strangerSlug), await traceOf(stranger.user, messageId, strangerSlug)]) {
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain("London");
    }
  });
});
