// GET /api/inbox/changes: the 3-second poll. Returns only what changed since a sync cursor in
// the scope of the list filter (and the open thread), 304 with the next cursor as ETag when
// nothing did, and never misses a row committed late by a transaction that started before the
// cursor was taken.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as changesRoute } from "@/app/api/inbox/changes/route";
import { GET as listConversationsRoute } from "@/app/api/conversations/route";
import { GET as listMessagesRoute } from "@/app/api/conversations/[id]/messages/route";
import { PATCH as updateConversationRoute } from "@/app/api/conversations/[id]/route";
import { createApiKey } from "@/lib/auth/api-keys";
import { prisma } from "@/lib/db/client";
import { MAX_CHANGED_ROWS } from "@/lib/inbox/changes";
import { whatsAppStatusPayload, whatsAppTextPayload } from "@/lib/simulate/payloads";
import { createWhatsAppChannel, getSandboxChannel, postWhatsApp, randomDigits, seedConversation, seedOutboundMessage, type TestChannel } from "../helpers/channels";
import { addMember, createAccount, uniqueSuffix, type TestAccount } from "../helpers/factories";
import { call, readJson, type SessionSubject } from "../helpers/http";
import { discardWaitingJobs, processStoredEvents } from "../helpers/jobs";
import type { WhatsAppCredentials } from "@/lib/channels/credentials";

let team: TestAccount;
let me: SessionSubject;
let colleague: SessionSubject;
let apiKey: string;
let sandbox: { id: string; workspaceId: string };
let whatsApp: TestChannel<WhatsAppCredentials>;

function headers() {
  return { "x-workspace": team.workspace.slug };
}

async function poll(query: string, as: SessionSubject = me) {
  const res = await call(changesRoute, `/api/inbox/changes${query}`, { as, headers: headers() });
  const text = await res.text();
  return { res, status: res.status, etag: res.headers.get("etag"), body: text ? JSON.parse(text) : null, text };
}

/**
 * A cursor from the list, taken once every earlier write of this file has ended. On a shared
 * database another file's open transaction holds the cursor back, and a cursor from before our
 * own last writes would (correctly) deliver them again and blur what a test is looking at.
 */
async function cursorNow(filter = "") {
  const [{ xid }] = await prisma.$queryRaw<{ xid: string }[]>`SELECT pg_current_xact_id()::text AS xid`;
  for (let attempt = 0; ; attempt++) {
    const res = await call(listConversationsRoute, `/api/conversations?limit=1${filter ? `&${filter}` : ""}`, { as: me, headers: headers() });
    const cursor = (await readJson(res)).syncCursor as string;
    if (BigInt(cursor) > BigInt(xid) || attempt >= 100) return cursor;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function patch(id: string, json: unknown, as: SessionSubject = me) {
  const res = await call(updateConversationRoute, `/api/conversations/${id}`, { method: "PATCH", as, json, headers: headers(), params: { id } });
  expect(res.status, await res.clone().text()).toBe(200);
}

async function seedOpen(name: string, data: { assigneeId?: string; unreadCount?: number } = {}) {
  const { conversationId, contactId } = await seedConversation({ channel: sandbox, contactExternalId: `${name}-${uniqueSuffix()}`, displayName: name });
  await prisma.conversation.update({ where: { id: conversationId }, data: { lastMessageAt: new Date(), ...data } });
  return { conversationId, contactId };
}

async function insertInbound(conversationId: string, text: string) {
  return prisma.$transaction(async (tx) => {
    const message = await tx.message.create({
      data: {
        workspaceId: team.workspace.id, conversationId, channelId: sandbox.id, direction: "inbound", contentType: "text",
        content: { type: "text", text }, status: "received", senderType: "contact", externalId: `in-${uniqueSuffix()}`,
      },
      select: { id: true },
    });
    await tx.conversation.update({ where: { id: conversationId }, data: { unreadCount: { increment: 1 }, lastMessageAt: new Date(), lastMessagePreview: text } });
    return message.id;
  });
}

beforeAll(async () => {
  team = await createAccount({ label: "inbox-changes" });
  me = (await addMember({ workspace: team.workspace, invitedBy: team.user, role: "agent" })).user;
  colleague = (await addMember({ workspace: team.workspace, invitedBy: team.user, role: "agent" })).user;
  apiKey = (await createApiKey({ workspaceId: team.workspace.id, name: "poller", role: "agent", createdById: team.user.id })).key;
  sandbox = await getSandboxChannel(team.workspace.id);
  whatsApp = await createWhatsAppChannel({ workspaceId: team.workspace.id });
});

afterAll(async () => {
  await discardWaitingJobs([team.workspace.id]);
});

describe("GET /api/inbox/changes", () => {
  it("without since answers 200 with a fresh cursor (also its ETag) and nothing else", async () => {
    const { status, body, etag } = await poll("");
    expect(status).toBe(200);
    expect(body).toEqual({ syncCursor: expect.stringMatching(/^\d+$/), conversations: [], removed: [], messages: [] });
    expect(etag).toBe(`"${body.syncCursor}"`);
  });

  it("answers 304 with no body and the next cursor as ETag when nothing in scope changed", async () => {
    await seedOpen("Quiet");
    const since = await cursorNow();
    const first = await poll(`?since=${since}`);
    expect(first.status).toBe(304);
    expect(first.text).toBe("");
    expect(first.etag).toMatch(/^"\d+"$/);
    expect(first.res.headers.get("cache-control")).toBe("no-store");
    // The ETag is the next `since`: still nothing.
    const next = first.etag!.slice(1, -1);
    expect(BigInt(next) >= BigInt(since)).toBe(true);
    expect((await poll(`?since=${next}`)).status).toBe(304);
  });

  it("is not woken by another workspace's changes", async () => {
    const since = await cursorNow();
    const other = await createAccount({ label: "inbox-changes-other" });
    const otherSandbox = await getSandboxChannel(other.workspace.id);
    await seedConversation({ channel: otherSandbox, contactExternalId: `noise-${uniqueSuffix()}`, displayName: "Noise" });
    expect((await poll(`?since=${since}`)).status).toBe(304);
  });

  it("delivers a new inbound message: the conversation to the list, the message to the open thread", async () => {
    const { conversationId } = await seedOpen("Newcomer");
    const since = await cursorNow();
    const messageId = await insertInbound(conversationId, "is the shop open today?");
    const { status, body, etag } = await poll(`?since=${since}&conversationId=${conversationId}`);
    expect(status).toBe(200);
    expect(etag).toBe(`"${body.syncCursor}"`);
    expect(body.conversations.map((c: { id: string }) => c.id)).toEqual([conversationId]);
    expect(body.conversations[0]).toMatchObject({ unreadCount: 1, lastMessagePreview: "is the shop open today?", contact: { displayName: "Newcomer" } });
    expect(body.removed).toEqual([]);
    expect(body.messages.map((m: { id: string }) => m.id)).toEqual([messageId]);
    expect(Object.keys(body.messages[0]).sort()).toEqual(
      [
        "content", "contentType", "conversationId", "createdAt", "deletedAt", "direction", "errorCode", "errorMessage", "externalId", "id",
        "idempotencyKey", "isAutoReply", "messageTag", "senderType", "senderUser", "senderUserId", "sentAt", "status", "statusAt",
      ].sort(),
    );
    // Without conversationId the thread's messages are not part of the answer.
    expect((await poll(`?since=${since}`)).body.messages).toEqual([]);
  });

  it("delivers a delivery status change of a message in the open thread", async () => {
    const { conversationId } = await seedOpen("Ticks");
    const { id: messageId } = await seedOutboundMessage({ channel: sandbox, conversationId, status: "sent", externalId: `out-${uniqueSuffix()}` });
    const since = await cursorNow();
    expect((await poll(`?since=${since}&conversationId=${conversationId}`)).status).toBe(304);
    await prisma.message.update({ where: { id: messageId }, data: { status: "read", statusAt: new Date() } });
    const { status, body } = await poll(`?since=${since}&conversationId=${conversationId}`);
    expect(status).toBe(200);
    expect(body.messages).toMatchObject([{ id: messageId, status: "read" }]);
    // A status change alone does not touch the conversation row.
    expect(body.conversations).toEqual([]);
  });

  it("shows a reassignment away from me in `removed` of my filter and in `conversations` of theirs", async () => {
    const { conversationId } = await seedOpen("Handover", { assigneeId: me.id });
    const since = await cursorNow("assignee=me");
    await patch(conversationId, { assigneeId: colleague.id });
    const mine = await poll(`?since=${since}&assignee=me`);
    expect(mine.status).toBe(200);
    expect(mine.body.removed).toEqual([conversationId]);
    expect(mine.body.conversations).toEqual([]);
    const theirs = await poll(`?since=${since}&assignee=me`, colleague);
    expect(theirs.body.conversations.map((c: { id: string }) => c.id)).toEqual([conversationId]);
    expect(theirs.body.conversations[0].assignee).toEqual({ id: colleague.id, name: colleague.name });
    // The unfiltered list sees an update, not a removal.
    const all = await poll(`?since=${since}`);
    expect(all.body.conversations.map((c: { id: string }) => c.id)).toContain(conversationId);
    expect(all.body.removed).not.toContain(conversationId);
    // Unassigned, the conversation enters the unassigned filter.
    const before = await cursorNow();
    await patch(conversationId, { assigneeId: null });
    expect((await poll(`?since=${before}&assignee=unassigned`)).body.conversations.map((c: { id: string }) => c.id)).toEqual([conversationId]);
    expect((await poll(`?since=${before}&assignee=me`, colleague)).body.removed).toEqual([conversationId]);
  });

  it("reports a status change only to its assignee's filters: a colleague's conversation reopened keeps my poll at 304", async () => {
    const { conversationId } = await seedOpen("Reopened", { assigneeId: colleague.id });
    await patch(conversationId, { status: "archived" }, colleague);
    const since = await cursorNow();
    // A customer writes again: the archived conversation reopens.
    await patch(conversationId, { status: "open" }, colleague);
    expect((await poll(`?since=${since}&assignee=me`)).status).toBe(304);
    expect((await poll(`?since=${since}&assignee=unassigned`)).status).toBe(304);
    expect((await poll(`?since=${since}&assignee=me&status=archived`)).status).toBe(304);
    const theirs = await poll(`?since=${since}&assignee=me`, colleague);
    expect(theirs.body.conversations.map((c: { id: string }) => c.id)).toEqual([conversationId]);
    expect((await poll(`?since=${since}&assignee=me&status=archived`, colleague)).body.removed).toEqual([conversationId]);
    // Lists of every assignee still see it leave and enter.
    expect((await poll(`?since=${since}&status=archived`)).body.removed).toContain(conversationId);
    expect((await poll(`?since=${since}&assignee=${colleague.id}&status=archived`)).body.removed).toEqual([conversationId]);
  });

  it("still removes a conversation from my list when it was handed on twice between two polls", async () => {
    const { conversationId } = await seedOpen("Passed around", { assigneeId: me.id });
    const since = await cursorNow("assignee=me");
    await patch(conversationId, { assigneeId: colleague.id });
    await patch(conversationId, { assigneeId: team.user.id }, colleague);
    const mine = await poll(`?since=${since}&assignee=me`);
    expect(mine.body.removed).toEqual([conversationId]);
    // And a later status change of the new assignee's conversation no longer concerns me.
    const later = await cursorNow("assignee=me");
    await patch(conversationId, { status: "archived" }, colleague);
    expect((await poll(`?since=${later}&assignee=me`)).status).toBe(304);
  });

  it("reports a move of a conversation whose assignee history is unknown (written before the migration) to every assignee filter", async () => {
    const { conversationId } = await seedOpen("Legacy row", { assigneeId: colleague.id });
    await prisma.$executeRaw`UPDATE "Conversation" SET "assigneeMovedXid" = NULL WHERE id = ${conversationId}`;
    const since = await cursorNow();
    await patch(conversationId, { status: "archived" }, colleague);
    expect((await poll(`?since=${since}&assignee=me`)).body.removed).toEqual([conversationId]);
  });

  it("moves an archived conversation from the open filter to the archived one, and a read one out of unread", async () => {
    const { conversationId } = await seedOpen("Archivist", { unreadCount: 2 });
    const since = await cursorNow();
    await patch(conversationId, { unread: false });
    const unread = await poll(`?since=${since}&unread=true`);
    expect(unread.body.removed).toEqual([conversationId]);
    await patch(conversationId, { status: "archived" });
    const open = await poll(`?since=${since}`);
    expect(open.body.removed).toEqual([conversationId]);
    expect(open.body.conversations.map((c: { id: string }) => c.id)).not.toContain(conversationId);
    const archived = await poll(`?since=${since}&status=archived`);
    expect(archived.body.conversations.map((c: { id: string }) => c.id)).toEqual([conversationId]);
    expect(archived.body.removed).toEqual([]);
  });

  it("keeps my poll at 304 while a colleague's conversations are read and get new messages, but removes mine when read", async () => {
    const theirs = await seedOpen("Their customer", { assigneeId: colleague.id, unreadCount: 1 });
    const mine = await seedOpen("My customer", { assigneeId: me.id, unreadCount: 1 });
    const since = await cursorNow();
    await patch(theirs.conversationId, { unread: false }, colleague);
    await insertInbound(theirs.conversationId, "another question");
    const quiet = await poll(`?since=${since}&assignee=me&unread=true`);
    expect(quiet.status).toBe(304);
    await patch(mine.conversationId, { unread: false });
    const read = await poll(`?since=${since}&assignee=me&unread=true`);
    expect(read.body.removed).toEqual([mine.conversationId]);
    expect(read.body.conversations).toEqual([]);
  });

  it("filters by channel: a change on another channel stays out of scope", async () => {
    const { conversationId } = await seedOpen("Sandbox only");
    const since = await cursorNow();
    await insertInbound(conversationId, "hello");
    expect((await poll(`?since=${since}&channelId=${whatsApp.id}`)).status).toBe(304);
    expect((await poll(`?since=${since}&channelId=${sandbox.id}`)).body.conversations.map((c: { id: string }) => c.id)).toEqual([conversationId]);
  });

  it("delivers a contact edit (tags, opt-out) through its conversations", async () => {
    const { conversationId, contactId } = await seedOpen("Tagged");
    const since = await cursorNow();
    await prisma.contact.update({ where: { id: contactId }, data: { tags: ["vip"] } });
    const { body } = await poll(`?since=${since}`);
    expect(body.conversations).toMatchObject([{ id: conversationId, contact: { tags: ["vip"] } }]);
  });

  it("delivers what the webhook pipeline stores: a new WhatsApp message, then its reply's status", async () => {
    const from = randomDigits(11);
    const since = await cursorNow();
    const payload = whatsAppTextPayload({ from, text: "pipeline hello", phoneNumberId: whatsApp.credentials.phoneNumberId, wabaId: whatsApp.credentials.wabaId });
    expect((await postWhatsApp(whatsApp, payload)).status).toBe(200);
    await processStoredEvents({ channelId: whatsApp.id, status: "pending" });
    const conversation = await prisma.conversation.findFirstOrThrow({ where: { channelId: whatsApp.id, contact: { externalId: from } }, select: { id: true } });
    const first = await poll(`?since=${since}&conversationId=${conversation.id}`);
    expect(first.body.conversations.map((c: { id: string }) => c.id)).toEqual([conversation.id]);
    expect(first.body.messages).toMatchObject([{ direction: "inbound", content: { text: "pipeline hello" } }]);

    const wamid = `wamid.${uniqueSuffix()}`;
    await seedOutboundMessage({ channel: whatsApp, conversationId: conversation.id, externalId: wamid, status: "sent" });
    const cursor = first.body.syncCursor;
    const statusPayload = whatsAppStatusPayload({ messageId: wamid, recipient: from, status: "delivered", phoneNumberId: whatsApp.credentials.phoneNumberId, wabaId: whatsApp.credentials.wabaId });
    expect((await postWhatsApp(whatsApp, statusPayload)).status).toBe(200);
    await processStoredEvents({ channelId: whatsApp.id, status: "pending" });
    const second = await poll(`?since=${cursor}&conversationId=${conversation.id}`);
    expect(second.body.messages).toEqual(expect.arrayContaining([expect.objectContaining({ externalId: wamid, status: "delivered" })]));
  });

  // PGlite has one backend: a second open transaction cannot exist there, so neither can this race.
  it.skipIf(!process.env.TEST_DATABASE_URL)(
    "still delivers a row committed after the cursor was taken by a transaction that started before it",
    async () => {
      const { conversationId } = await seedOpen("Slow writer");
      const since = await cursorNow();
      const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await client.connect();
      try {
        await client.query("BEGIN");
        const { rows } = await client.query<{ id: string }>(
          `INSERT INTO "Message" (id, "workspaceId", "conversationId", "channelId", direction, "contentType", content, status, "senderType", "updatedAt")
           VALUES ($1, $2, $3, $4, 'inbound', 'text', '{"type":"text","text":"late"}', 'received', 'contact', now()) RETURNING id`,
          [`late-${uniqueSuffix()}`, team.workspace.id, conversationId, sandbox.id],
        );
        await client.query(`UPDATE "Conversation" SET "unreadCount" = "unreadCount" + 1, "lastMessageAt" = now() WHERE id = $1`, [conversationId]);
        // The poll runs while the writer is still open: it sees nothing, and its cursor stays
        // at or below the writer's transaction id.
        const during = await poll(`?since=${since}&conversationId=${conversationId}`);
        expect(during.status).toBe(304);
        const next = during.etag!.slice(1, -1);
        await client.query("COMMIT");
        const after = await poll(`?since=${next}&conversationId=${conversationId}`);
        expect(after.status).toBe(200);
        expect(after.body.messages.map((m: { id: string }) => m.id)).toEqual([rows[0].id]);
        expect(after.body.conversations).toMatchObject([{ id: conversationId, unreadCount: 1 }]);
      } finally {
        await client.end();
      }
    },
  );

  it("keeps q (search) out of the delta: the filter alone decides", async () => {
    const { conversationId } = await seedOpen("Not a match");
    const since = await cursorNow();
    await insertInbound(conversationId, "hi");
    const { body } = await poll(`?since=${since}&q=zzzz-nothing`);
    expect(body.conversations.map((c: { id: string }) => c.id)).toEqual([conversationId]);
  });

  it("pairs with the thread's syncCursor: nothing the first page showed is lost", async () => {
    const { conversationId } = await seedOpen("Thread");
    await insertInbound(conversationId, "one");
    const page = await readJson(await call(listMessagesRoute, `/api/conversations/${conversationId}/messages`, { as: me, headers: headers(), params: { id: conversationId } }));
    expect(page.syncCursor).toMatch(/^\d+$/);
    const messageId = await insertInbound(conversationId, "two");
    const { body } = await poll(`?since=${page.syncCursor}&conversationId=${conversationId}`);
    expect(body.messages.map((m: { id: string }) => m.id)).toContain(messageId);
  });

  it("serves API keys (without assignee=me, which needs a user)", async () => {
    const since = await cursorNow();
    const res = await call(changesRoute, `/api/inbox/changes?since=${since}`, { apiKey });
    expect([200, 304]).toContain(res.status);
    const me422 = await call(changesRoute, `/api/inbox/changes?since=${since}&assignee=me`, { apiKey });
    expect(me422.status).toBe(422);
  });

  it.each([
    ["a cursor that is not a number", "?since=abc"],
    ["a negative cursor", "?since=-5"],
    ["a cursor beyond the xid8 range", "?since=99999999999999999999"],
    ["an unknown status", "?since=1&status=deleted"],
  ])("answers 422 for %s", async (_label, query) => {
    const { status, body } = await poll(query);
    expect(status).toBe(422);
    expect(body.error.code).toBe("unprocessable");
  });

  it("answers 404 for a conversationId of another workspace and shows nothing of it", async () => {
    const other = await createAccount({ label: "inbox-changes-victim" });
    const { conversationId } = await seedConversation({ channel: await getSandboxChannel(other.workspace.id), contactExternalId: `v-${uniqueSuffix()}`, displayName: "Victim" });
    const { status, text } = await poll(`?since=1&conversationId=${conversationId}`);
    expect(status).toBe(404);
    expect(text).not.toContain("Victim");
  });

  it(`answers 409 (reload) when more than ${MAX_CHANGED_ROWS} conversations changed`, async () => {
    const since = await cursorNow();
    const suffix = uniqueSuffix();
    await prisma.$executeRaw`
      WITH contacts AS (
        INSERT INTO "Contact" (id, "workspaceId", "channelId", "externalId", "updatedAt")
        SELECT 'bulk-' || ${suffix} || '-' || g, ${team.workspace.id}, ${sandbox.id}, 'bulk-' || ${suffix} || '-' || g, now()
        FROM generate_series(1, ${MAX_CHANGED_ROWS + 1}) g RETURNING id)
      INSERT INTO "Conversation" (id, "workspaceId", "channelId", "contactId", "updatedAt")
      SELECT 'conv-' || id, ${team.workspace.id}, ${sandbox.id}, id, now() FROM contacts`;
    const { status, body } = await poll(`?since=${since}`);
    expect(status).toBe(409);
    expect(body.error.code).toBe("conflict");
    // The list itself still answers, with a cursor to poll from.
    expect(await cursorNow()).toMatch(/^\d+$/);
  });
});
