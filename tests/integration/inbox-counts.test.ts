// GET /api/inbox/counts: badge counts read from InboxCounter, which a trigger keeps as
// conversations are inserted, assigned, archived, blocked, read, unread and deleted. Every step
// is checked against COUNT(*) computed here, including under concurrent updates.
import { beforeAll, describe, expect, it } from "vitest";
import { GET as countsRoute } from "@/app/api/inbox/counts/route";
import { PATCH as updateConversationRoute } from "@/app/api/conversations/[id]/route";
import { createApiKey } from "@/lib/auth/api-keys";
import { prisma } from "@/lib/db/client";
import { createWhatsAppChannel, getSandboxChannel } from "../helpers/channels";
import { addMember, createAccount, uniqueSuffix, type TestAccount } from "../helpers/factories";
import { call, readJson, type SessionSubject } from "../helpers/http";

let team: TestAccount;
let me: SessionSubject;
let colleague: SessionSubject;
let sandbox: { id: string; workspaceId: string };
let whatsApp: { id: string; workspaceId: string };
const conversations: string[] = [];

async function getCounts(as: SessionSubject = me, extraHeaders: Record<string, string> = {}) {
  return call(countsRoute, "/api/inbox/counts", { as, headers: { "x-workspace": team.workspace.slug, ...extraHeaders } });
}

/** The counts computed the slow way, straight from the rows. */
async function countByQuery(userId: string) {
  const workspaceId = team.workspace.id;
  const count = (where: object) => prisma.conversation.count({ where: { workspaceId, ...where } });
  const [open, archived, blocked, mine, unassigned, unread, mineUnread, sandboxOpen, whatsAppOpen] = await Promise.all([
    count({ status: "open" }),
    count({ status: "archived" }),
    count({ status: "blocked" }),
    count({ status: "open", assigneeId: userId }),
    count({ status: "open", assigneeId: null }),
    count({ status: "open", unreadCount: { gt: 0 } }),
    count({ status: "open", assigneeId: userId, unreadCount: { gt: 0 } }),
    count({ status: "open", channelId: sandbox.id }),
    count({ status: "open", channelId: whatsApp.id }),
  ]);
  return { open, archived, blocked, mine, unassigned, unread, mineUnread, channels: { [sandbox.id]: sandboxOpen, [whatsApp.id]: whatsAppOpen } };
}

/** Every InboxCounter row of the workspace equals COUNT(*) of its key (zero rows may linger). */
async function expectEveryCounterRight() {
  const rows = await prisma.conversation.findMany({
    where: { workspaceId: team.workspace.id },
    select: { status: true, channelId: true, assigneeId: true, unreadCount: true },
  });
  const expected = new Map<string, number>();
  for (const row of rows) {
    for (const channel of ["*", row.channelId]) {
      for (const assignee of ["*", row.assigneeId ?? "none"]) {
        for (const unread of row.unreadCount > 0 ? ["*", "unread"] : ["*"]) {
          const key = `${row.status}|${channel}|${assignee}|${unread}`;
          expected.set(key, (expected.get(key) ?? 0) + 1);
        }
      }
    }
  }
  const counters = await prisma.inboxCounter.findMany({ where: { workspaceId: team.workspace.id }, select: { key: true, count: true } });
  const actual = new Map(counters.filter((counter) => counter.count !== 0).map((counter) => [counter.key, counter.count]));
  expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(expected));
}

async function expectCountsRight() {
  const res = await getCounts();
  expect(res.status).toBe(200);
  expect((await readJson(res)).counts).toEqual(await countByQuery(me.id));
  await expectEveryCounterRight();
}

async function patch(id: string, json: unknown) {
  const res = await call(updateConversationRoute, `/api/conversations/${id}`, { method: "PATCH", as: me, json, headers: { "x-workspace": team.workspace.slug }, params: { id } });
  expect(res.status, await res.clone().text()).toBe(200);
}

async function insertConversation(channel: { id: string; workspaceId: string }, data: { status?: "open" | "archived" | "blocked"; assigneeId?: string | null; unreadCount?: number } = {}) {
  const contact = await prisma.contact.create({ data: { workspaceId: channel.workspaceId, channelId: channel.id, externalId: `count-${uniqueSuffix()}` } });
  const conversation = await prisma.conversation.create({
    data: { workspaceId: channel.workspaceId, channelId: channel.id, contactId: contact.id, lastMessageAt: new Date(), ...data },
    select: { id: true },
  });
  conversations.push(conversation.id);
  return conversation.id;
}

beforeAll(async () => {
  team = await createAccount({ label: "inbox-counts" });
  me = (await addMember({ workspace: team.workspace, invitedBy: team.user, role: "agent" })).user;
  colleague = (await addMember({ workspace: team.workspace, invitedBy: team.user, role: "agent" })).user;
  sandbox = await getSandboxChannel(team.workspace.id);
  whatsApp = await createWhatsAppChannel({ workspaceId: team.workspace.id });
});

describe("GET /api/inbox/counts", () => {
  it("starts at zero for every filter and lists every channel", async () => {
    const body = await readJson(await getCounts());
    expect(body).toEqual({ counts: { open: 0, archived: 0, blocked: 0, mine: 0, unassigned: 0, unread: 0, mineUnread: 0, channels: { [sandbox.id]: 0, [whatsApp.id]: 0 } } });
  });

  it("stays equal to COUNT(*) across insert, assign, unassign, archive, block, read, unread and delete", async () => {
    const a = await insertConversation(sandbox, { unreadCount: 2 });
    const b = await insertConversation(whatsApp, { assigneeId: me.id });
    const c = await insertConversation(whatsApp, { assigneeId: colleague.id, unreadCount: 1 });
    await insertConversation(sandbox, { status: "archived" });
    await expectCountsRight();

    await patch(a, { assigneeId: "me" });
    await expectCountsRight();
    await patch(c, { assigneeId: me.id });
    await expectCountsRight();
    await patch(b, { assigneeId: null });
    await expectCountsRight();
    await patch(a, { status: "archived" });
    await expectCountsRight();
    await patch(c, { status: "blocked" });
    await expectCountsRight();
    await patch(c, { status: "open" });
    await expectCountsRight();
    await patch(c, { unread: false });
    await expectCountsRight();
    await patch(b, { unread: true });
    await expectCountsRight();
    // A new inbound message, as ingestion writes it.
    await prisma.conversation.update({ where: { id: b }, data: { unreadCount: { increment: 1 }, lastMessageAt: new Date() } });
    await expectCountsRight();
    await prisma.conversation.delete({ where: { id: c } });
    conversations.splice(conversations.indexOf(c), 1);
    await expectCountsRight();

    const counts = (await readJson(await getCounts())).counts;
    expect(counts).toMatchObject({ open: 1, archived: 2, blocked: 0, mine: 0, unassigned: 1, unread: 1, mineUnread: 0 });
  });

  it("stays right under 20 concurrent PATCHes on the same and on different conversations", async () => {
    const ids = await Promise.all(Array.from({ length: 5 }, (_, i) => insertConversation(i % 2 ? sandbox : whatsApp, { unreadCount: i % 3 })));
    const actions = [
      { assigneeId: me.id }, { assigneeId: colleague.id }, { assigneeId: null }, { status: "archived" }, { status: "open" },
      { status: "blocked" }, { unread: true }, { unread: false }, { assigneeId: "me", unread: true }, { status: "open", assigneeId: null },
    ];
    await Promise.all(Array.from({ length: 20 }, (_, i) => patch(ids[i % 3], actions[(i * 7) % actions.length])));
    await expectCountsRight();
    await Promise.all(Array.from({ length: 20 }, (_, i) => patch(ids[(i * 3) % ids.length], actions[i % actions.length])));
    await expectCountsRight();
  });

  it("answers 304 to If-None-Match with the current ETag, 200 with a new one after a change", async () => {
    const first = await getCounts();
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const again = await getCounts(me, { "if-none-match": etag! });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect(again.headers.get("etag")).toBe(etag);
    expect((await getCounts(me, { "if-none-match": `W/${etag}` })).status).toBe(304);
    await insertConversation(sandbox, { unreadCount: 1 });
    const changed = await getCounts(me, { "if-none-match": etag! });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag);
  });

  it("counts mine per caller; an API key has no \"me\" and gets 0 for mine", async () => {
    const id = await insertConversation(whatsApp, { assigneeId: colleague.id, unreadCount: 1 });
    const theirs = (await readJson(await getCounts(colleague))).counts;
    expect(theirs).toMatchObject(await countByQuery(colleague.id));
    expect(theirs.mineUnread).toBeGreaterThanOrEqual(1);
    const key = await createApiKey({ workspaceId: team.workspace.id, name: "counts", role: "agent", createdById: team.user.id });
    const res = await call(countsRoute, "/api/inbox/counts", { apiKey: key.key });
    const viaKey = (await readJson(res)).counts;
    expect(viaKey).toMatchObject({ mine: 0, mineUnread: 0, open: (await countByQuery(me.id)).open });
    await prisma.conversation.delete({ where: { id } });
  });

  it("gives another workspace only its own numbers", async () => {
    const other = await createAccount({ label: "inbox-counts-other" });
    const res = await call(countsRoute, "/api/inbox/counts", { as: other.user, headers: { "x-workspace": other.workspace.slug } });
    const body = await readJson(res);
    expect(body.counts).toMatchObject({ open: 0, archived: 0, blocked: 0 });
    expect(Object.keys(body.counts.channels)).not.toContain(sandbox.id);
  });
});
