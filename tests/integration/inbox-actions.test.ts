// Conversation actions and the panels around a thread: GET/PATCH /api/conversations/[id],
// the thread's pages (GET …/messages), notes, the contact panel (GET/PATCH /api/contacts/[id])
// and tag autocomplete (GET /api/tags). Writes are for owners, admins and agents; marketers
// and read-only callers get 403 and change nothing; another workspace's ids answer 404.
import { beforeAll, describe, expect, it } from "vitest";
import { GET as getConversationRoute, PATCH as updateConversationRoute } from "@/app/api/conversations/[id]/route";
import { GET as listMessagesRoute } from "@/app/api/conversations/[id]/messages/route";
import { GET as listNotesRoute, POST as createNoteRoute } from "@/app/api/conversations/[id]/notes/route";
import { GET as getContactRoute, PATCH as updateContactRoute } from "@/app/api/contacts/[id]/route";
import { GET as listTagsRoute } from "@/app/api/tags/route";
import { createApiKey } from "@/lib/auth/api-keys";
import { prisma } from "@/lib/db/client";
import { getSandboxChannel, seedConversation } from "../helpers/channels";
import { addMember, createAccount, snapshotWorkspace, uniqueSuffix, type TestAccount } from "../helpers/factories";
import { call, readJson, type CallOptions, type RouteHandler, type SessionSubject } from "../helpers/http";

let team: TestAccount;
let agent: SessionSubject;
let colleague: SessionSubject;
let marketer: SessionSubject;
let agentKey: string;
let marketerKey: string;
let stranger: TestAccount;
let sandbox: { id: string; workspaceId: string };

type Caller = { as?: SessionSubject; apiKey?: string };

function send(handler: RouteHandler, path: string, id: string, options: Omit<CallOptions, "params"> & Caller = {}) {
  const caller: Caller = options.apiKey ? {} : { as: options.as ?? agent };
  const headers = options.apiKey ? options.headers : { "x-workspace": team.workspace.slug, ...options.headers };
  return call(handler, path, { ...options, ...caller, headers, params: { id } });
}

function patchConversation(id: string, json: unknown, caller: Caller = {}) {
  return send(updateConversationRoute, `/api/conversations/${id}`, id, { method: "PATCH", json, ...caller });
}

async function newConversation(name = "Customer") {
  return seedConversation({ channel: sandbox, contactExternalId: `${name}-${uniqueSuffix()}`, displayName: name });
}

beforeAll(async () => {
  team = await createAccount({ label: "inbox-actions" });
  agent = (await addMember({ workspace: team.workspace, invitedBy: team.user, role: "agent" })).user;
  colleague = (await addMember({ workspace: team.workspace, invitedBy: team.user, role: "admin" })).user;
  marketer = (await addMember({ workspace: team.workspace, invitedBy: team.user, role: "marketer" })).user;
  agentKey = (await createApiKey({ workspaceId: team.workspace.id, name: "agent key", role: "agent", createdById: team.user.id })).key;
  marketerKey = (await createApiKey({ workspaceId: team.workspace.id, name: "marketer key", role: "marketer", createdById: team.user.id })).key;
  stranger = await createAccount({ label: "inbox-actions-stranger" });
  sandbox = await getSandboxChannel(team.workspace.id);
});

describe("GET /api/conversations/[id]", () => {
  it("returns the summary to every member and API key, 404 for another workspace's id", async () => {
    const { conversationId } = await newConversation("Reader");
    for (const caller of [{ as: agent }, { as: marketer }, { apiKey: marketerKey }]) {
      const res = await send(getConversationRoute, `/api/conversations/${conversationId}`, conversationId, caller);
      expect(res.status).toBe(200);
      expect((await readJson(res)).conversation).toMatchObject({ id: conversationId, status: "open", assignee: null, contact: { displayName: "Reader" } });
    }
    const other = await seedConversation({ channel: await getSandboxChannel(stranger.workspace.id), contactExternalId: `x-${uniqueSuffix()}`, displayName: "Secret" });
    const res = await send(getConversationRoute, `/api/conversations/${other.conversationId}`, other.conversationId);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain("Secret");
  });
});

describe("PATCH /api/conversations/[id]", () => {
  it("assigns to a member, to \"me\", keeps assignedAt when assigned again, and unassigns", async () => {
    const { conversationId } = await newConversation();
    const res = await patchConversation(conversationId, { assigneeId: colleague.id });
    expect(res.status).toBe(200);
    expect((await readJson(res)).conversation.assignee).toEqual({ id: colleague.id, name: colleague.name });
    const first = await prisma.conversation.findUniqueOrThrow({ where: { id: conversationId }, select: { assignedAt: true } });
    expect(first.assignedAt).toBeInstanceOf(Date);

    await patchConversation(conversationId, { assigneeId: colleague.id });
    expect((await prisma.conversation.findUniqueOrThrow({ where: { id: conversationId }, select: { assignedAt: true } })).assignedAt).toEqual(first.assignedAt);

    const mine = await readJson(await patchConversation(conversationId, { assigneeId: "me" }));
    expect(mine.conversation.assignee).toEqual({ id: agent.id, name: agent.name });

    const none = await readJson(await patchConversation(conversationId, { assigneeId: null }));
    expect(none.conversation.assignee).toBeNull();
    expect(await prisma.conversation.findUniqueOrThrow({ where: { id: conversationId }, select: { assigneeId: true, assignedAt: true } })).toEqual({
      assigneeId: null,
      assignedAt: null,
    });
  });

  it.each([
    ["a user of another workspace", () => stranger.user.id],
    ["a marketer (they do not work the inbox)", () => marketer.id],
    ["an unknown user", () => "no-such-user"],
  ])("answers 422 (field assigneeId) for an assignee who is %s, and changes nothing", async (_label, assignee) => {
    const { conversationId } = await newConversation();
    const before = await snapshotWorkspace(team.workspace.id);
    const res = await patchConversation(conversationId, { assigneeId: assignee() });
    expect(res.status).toBe(422);
    expect((await readJson(res)).error).toMatchObject({ code: "unprocessable", field: "assigneeId" });
    expect(await snapshotWorkspace(team.workspace.id)).toEqual(before);
  });

  it("archives, blocks and reopens", async () => {
    const { conversationId } = await newConversation();
    for (const status of ["archived", "blocked", "open"]) {
      const body = await readJson(await patchConversation(conversationId, { status }));
      expect(body.conversation.status).toBe(status);
    }
  });

  it("pauses the bot with a reason naming who paused it, and resumes it", async () => {
    const { conversationId } = await newConversation();
    const paused = await readJson(await patchConversation(conversationId, { botPaused: true }));
    expect(paused.conversation).toMatchObject({ botPaused: true, botPausedReason: `Paused by ${agent.name}` });
    // Paused again by someone else: the first reason stays.
    await patchConversation(conversationId, { botPaused: true }, { as: colleague });
    expect((await readJson(await send(getConversationRoute, `/api/conversations/${conversationId}`, conversationId))).conversation.botPausedReason).toBe(`Paused by ${agent.name}`);
    const resumed = await readJson(await patchConversation(conversationId, { botPaused: false }));
    expect(resumed.conversation).toMatchObject({ botPaused: false, botPausedReason: null });
    const viaKey = await readJson(await patchConversation(conversationId, { botPaused: true }, { apiKey: agentKey }));
    expect(viaKey.conversation.botPausedReason).toBe("Paused by the API");
  });

  it("marks read (0) and unread (at least 1, keeping a higher count)", async () => {
    const { conversationId } = await newConversation();
    expect((await readJson(await patchConversation(conversationId, { unread: true }))).conversation.unreadCount).toBe(1);
    await prisma.conversation.update({ where: { id: conversationId }, data: { unreadCount: 3 } });
    expect((await readJson(await patchConversation(conversationId, { unread: true }))).conversation.unreadCount).toBe(3);
    expect((await readJson(await patchConversation(conversationId, { unread: false }))).conversation.unreadCount).toBe(0);
  });

  it("applies several fields at once", async () => {
    const { conversationId } = await newConversation();
    const body = await readJson(await patchConversation(conversationId, { status: "archived", assigneeId: "me", botPaused: true, unread: false }));
    expect(body.conversation).toMatchObject({ status: "archived", assignee: { id: agent.id }, botPaused: true, unreadCount: 0 });
  });

  it("serves API keys with an inbox role; \"me\" needs a user", async () => {
    const { conversationId } = await newConversation();
    const res = await patchConversation(conversationId, { assigneeId: colleague.id }, { apiKey: agentKey });
    expect(res.status).toBe(200);
    const me = await patchConversation(conversationId, { assigneeId: "me" }, { apiKey: agentKey });
    expect(me.status).toBe(422);
    expect((await readJson(me)).error.field).toBe("assigneeId");
  });

  it("answers 403 to marketers (session or API key) and changes nothing", async () => {
    const { conversationId } = await newConversation();
    const before = await snapshotWorkspace(team.workspace.id);
    for (const caller of [{ as: marketer }, { apiKey: marketerKey }]) {
      const res = await patchConversation(conversationId, { status: "archived" }, caller);
      expect(res.status).toBe(403);
      expect((await readJson(res)).error.code).toBe("forbidden");
    }
    expect(await snapshotWorkspace(team.workspace.id)).toEqual(before);
  });

  it.each([
    ["an empty body", {}, undefined],
    ["an unknown field", { priority: "high" }, undefined],
    ["an unknown status", { status: "deleted" }, "status"],
    ["botPaused that is not a boolean", { botPaused: "yes" }, "botPaused"],
    ["unread that is not a boolean", { unread: 1 }, "unread"],
  ])("answers 422 for %s", async (_label, json, field) => {
    const { conversationId } = await newConversation();
    const res = await patchConversation(conversationId, json);
    expect(res.status).toBe(422);
    const body = await readJson(res);
    expect(body.error.code).toBe("unprocessable");
    if (field) expect(body.error.field).toBe(field);
  });

  it("answers 404 for another workspace's conversation and leaves it alone", async () => {
    const other = await seedConversation({ channel: await getSandboxChannel(stranger.workspace.id), contactExternalId: `x-${uniqueSuffix()}` });
    const before = await snapshotWorkspace(stranger.workspace.id);
    const res = await patchConversation(other.conversationId, { status: "blocked", assigneeId: "me" });
    expect(res.status).toBe(404);
    expect(await snapshotWorkspace(stranger.workspace.id)).toEqual(before);
  });
});

describe("GET /api/conversations/[id]/messages", () => {
  it("pages by (createdAt, id): messages sharing a timestamp are never skipped or repeated", async () => {
    const { conversationId } = await newConversation();
    const same = new Date(Date.now() - 60_000);
    const created: string[] = [];
    for (let i = 0; i < 7; i++) {
      const createdAt = i < 5 ? same : new Date(same.getTime() + i * 1000);
      const message = await prisma.message.create({
        data: {
          workspaceId: team.workspace.id, conversationId, channelId: sandbox.id, direction: "inbound", contentType: "text",
          content: { type: "text", text: `m${i}` }, status: "received", senderType: "contact", createdAt,
        },
        select: { id: true, createdAt: true },
      });
      created.push(message.id);
    }
    const expected = await prisma.message.findMany({ where: { conversationId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { id: true } });
    const pages: string[][] = [];
    let before: string | null = null;
    do {
      const path: string = `/api/conversations/${conversationId}/messages?limit=2${before ? `&before=${before}` : ""}`;
      const body = await readJson(await send(listMessagesRoute, path, conversationId));
      expect(body.syncCursor).toMatch(/^\d+$/);
      pages.unshift(body.messages.map((m: { id: string }) => m.id));
      before = body.nextBefore;
    } while (before && pages.length < 10);
    expect(pages.flat()).toEqual(expected.map((m) => m.id));
    expect(new Set(pages.flat()).size).toBe(created.length);
  });

  it("returns the shared message shape, with the sending agent", async () => {
    const { conversationId } = await newConversation();
    await prisma.message.create({
      data: {
        workspaceId: team.workspace.id, conversationId, channelId: sandbox.id, direction: "outbound", contentType: "text",
        content: { type: "text", text: "hi" }, status: "sent", senderType: "agent", senderUserId: agent.id, idempotencyKey: `k-${uniqueSuffix()}`,
      },
    });
    const body = await readJson(await send(listMessagesRoute, `/api/conversations/${conversationId}/messages`, conversationId));
    expect(body.messages[0]).toMatchObject({ conversationId, senderType: "agent", senderUserId: agent.id, senderUser: { id: agent.id, name: agent.name }, statusAt: null });
    expect(body.nextBefore).toBeNull();
  });

  it("answers 400 for a before id of another conversation", async () => {
    const one = await newConversation();
    const two = await newConversation();
    const message = await prisma.message.create({
      data: { workspaceId: team.workspace.id, conversationId: two.conversationId, channelId: sandbox.id, direction: "inbound", contentType: "text", content: { text: "x" }, status: "received", senderType: "contact" },
    });
    const res = await send(listMessagesRoute, `/api/conversations/${one.conversationId}/messages?before=${message.id}`, one.conversationId);
    expect(res.status).toBe(400);
    expect((await readJson(res)).error.field).toBe("before");
  });
});

describe("notes", () => {
  it("adds notes (201, with the author) and lists them oldest first", async () => {
    const { conversationId } = await newConversation();
    const path = `/api/conversations/${conversationId}/notes`;
    const first = await send(createNoteRoute, path, conversationId, { method: "POST", json: { body: "  Called the customer  " } });
    expect(first.status).toBe(201);
    expect((await readJson(first)).note).toMatchObject({ body: "Called the customer", author: { id: agent.id, name: agent.name }, createdAt: expect.any(String) });
    await send(createNoteRoute, path, conversationId, { method: "POST", json: { body: "Refund approved" }, as: colleague });
    const viaKey = await readJson(await send(createNoteRoute, path, conversationId, { method: "POST", json: { body: "From the CRM" }, apiKey: agentKey }));
    expect(viaKey.note.author).toBeNull();
    // Every member reads them, marketers included.
    const res = await send(listNotesRoute, path, conversationId, { as: marketer });
    expect(res.status).toBe(200);
    const { notes } = await readJson(res);
    expect(notes.map((note: { body: string }) => note.body)).toEqual(["Called the customer", "Refund approved", "From the CRM"]);
    expect(notes[1].author).toEqual({ id: colleague.id, name: colleague.name });
  });

  it.each([
    ["an empty body", { body: "   " }],
    ["a body over 5000 characters", { body: "x".repeat(5001) }],
    ["no body field", { text: "hi" }],
  ])("answers 422 for %s and stores nothing", async (_label, json) => {
    const { conversationId } = await newConversation();
    const res = await send(createNoteRoute, `/api/conversations/${conversationId}/notes`, conversationId, { method: "POST", json });
    expect(res.status).toBe(422);
    expect(await prisma.conversationNote.count({ where: { conversationId } })).toBe(0);
  });

  it("answers 403 to a marketer's note and 404 on another workspace's conversation", async () => {
    const { conversationId } = await newConversation();
    const path = `/api/conversations/${conversationId}/notes`;
    expect((await send(createNoteRoute, path, conversationId, { method: "POST", json: { body: "hi" }, as: marketer })).status).toBe(403);
    const other = await seedConversation({ channel: await getSandboxChannel(stranger.workspace.id), contactExternalId: `x-${uniqueSuffix()}` });
    const otherPath = `/api/conversations/${other.conversationId}/notes`;
    expect((await send(createNoteRoute, otherPath, other.conversationId, { method: "POST", json: { body: "hi" } })).status).toBe(404);
    expect((await send(listNotesRoute, otherPath, other.conversationId)).status).toBe(404);
    expect(await prisma.conversationNote.count({ where: { conversationId: { in: [conversationId, other.conversationId] } } })).toBe(0);
  });
});

describe("contacts and tags", () => {
  function patchContact(id: string, json: unknown, caller: Caller = {}) {
    return send(updateContactRoute, `/api/contacts/${id}`, id, { method: "PATCH", json, ...caller });
  }

  it("returns the contact with its conversations", async () => {
    const { contactId, conversationId } = await newConversation("Panel");
    const res = await send(getContactRoute, `/api/contacts/${contactId}`, contactId, { as: marketer });
    expect(res.status).toBe(200);
    const body = await readJson(res);
    expect(Object.keys(body.contact).sort()).toEqual(
      ["attributes", "avatarUrl", "channelId", "createdAt", "displayName", "email", "externalId", "id", "optedOut", "optedOutAt", "phone", "profile", "tags", "username"].sort(),
    );
    expect(body.contact).toMatchObject({ id: contactId, displayName: "Panel", tags: [], attributes: {}, optedOut: false, optedOutAt: null });
    expect(body.conversations).toEqual([{ id: conversationId, status: "open", lastMessageAt: null, channel: { id: sandbox.id, type: "sandbox", name: expect.any(String) } }]);
  });

  it("edits name, tags (trimmed, deduplicated, replaced) and attributes (merged, null removes a key)", async () => {
    const { contactId } = await newConversation("Old name");
    const res = await patchContact(contactId, { displayName: " New name ", tags: [" vip ", "wholesale", "vip"], attributes: { plan: "gold", seats: 3, trial: false, note: null } });
    expect(res.status).toBe(200);
    expect((await readJson(res)).contact).toMatchObject({ displayName: "New name", tags: ["vip", "wholesale"], attributes: { plan: "gold", seats: 3, trial: false } });
    const next = await readJson(await patchContact(contactId, { tags: [], attributes: { plan: "silver", seats: null } }));
    expect(next.contact.tags).toEqual([]);
    expect(next.contact.attributes).toEqual({ plan: "silver", trial: false });
    expect((await readJson(await patchContact(contactId, { displayName: null }))).contact.displayName).toBeNull();
  });

  it("keeps both edits when two agents change different attributes at once", async () => {
    const { contactId } = await newConversation();
    await Promise.all([patchContact(contactId, { attributes: { city: "Berlin" } }), patchContact(contactId, { attributes: { size: "L" } }, { as: colleague })]);
    expect((await prisma.contact.findUniqueOrThrow({ where: { id: contactId } })).attributes).toEqual({ city: "Berlin", size: "L" });
  });

  it("answers 422 when the merged attributes would pass 50 keys", async () => {
    const { contactId } = await newConversation();
    const many = (from: number) => Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${from + i}`, i]));
    expect((await patchContact(contactId, { attributes: many(0) })).status).toBe(200);
    const res = await patchContact(contactId, { attributes: many(100) });
    expect(res.status).toBe(422);
    expect((await readJson(res)).error.field).toBe("attributes");
  });

  it("records the opt-out time once, and clears it on opt-in", async () => {
    const { contactId } = await newConversation();
    const out = (await readJson(await patchContact(contactId, { optedOut: true }))).contact;
    expect(out.optedOut).toBe(true);
    expect(out.optedOutAt).toEqual(expect.any(String));
    expect((await readJson(await patchContact(contactId, { optedOut: true }))).contact.optedOutAt).toBe(out.optedOutAt);
    expect((await readJson(await patchContact(contactId, { optedOut: false }))).contact).toMatchObject({ optedOut: false, optedOutAt: null });
  });

  it.each([
    ["an empty tag", { tags: ["ok", "  "] }, "tags.1"],
    ["a tag over 50 characters", { tags: ["x".repeat(51)] }, "tags.0"],
    ["more than 50 tags", { tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }, "tags"],
    ["tags that are not a list", { tags: "vip" }, "tags"],
    ["an attribute key with a space", { attributes: { "first name": "A" } }, "attributes.first name"],
    ["an attribute key starting with a digit", { attributes: { "1st": "A" } }, "attributes.1st"],
    ["an attribute value that is an object", { attributes: { plan: { tier: 1 } } }, "attributes.plan"],
    ["attributes that are a list", { attributes: ["a"] }, "attributes"],
    ["an empty display name", { displayName: "  " }, "displayName"],
    ["an unknown field", { email: "a@b.c" }, undefined],
    ["an empty body", {}, undefined],
  ])("answers 422 for %s (with the field) and changes nothing", async (_label, json, field) => {
    const { contactId } = await newConversation();
    const before = await prisma.contact.findUniqueOrThrow({ where: { id: contactId } });
    const res = await patchContact(contactId, json);
    expect(res.status).toBe(422);
    const body = await readJson(res);
    expect(body.error.code).toBe("unprocessable");
    if (field) expect(body.error.field).toBe(field);
    expect(await prisma.contact.findUniqueOrThrow({ where: { id: contactId } })).toEqual(before);
  });

  it("answers 403 to marketers and 404 for another workspace's contact", async () => {
    const { contactId } = await newConversation();
    expect((await patchContact(contactId, { tags: ["x"] }, { as: marketer })).status).toBe(403);
    expect((await patchContact(contactId, { tags: ["x"] }, { apiKey: marketerKey })).status).toBe(403);
    const other = await seedConversation({ channel: await getSandboxChannel(stranger.workspace.id), contactExternalId: `x-${uniqueSuffix()}`, displayName: "Hidden" });
    const res = await send(getContactRoute, `/api/contacts/${other.contactId}`, other.contactId);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain("Hidden");
    expect((await patchContact(other.contactId, { tags: ["mine"] })).status).toBe(404);
    expect((await prisma.contact.findUniqueOrThrow({ where: { id: other.contactId } })).tags).toEqual([]);
  });

  it("lists the workspace's distinct tags alphabetically, never another workspace's", async () => {
    const a = await newConversation();
    const b = await newConversation();
    await patchContact(a.contactId, { tags: ["zeta", "alpha"] });
    await patchContact(b.contactId, { tags: ["alpha", "beta"] });
    const other = await seedConversation({ channel: await getSandboxChannel(stranger.workspace.id), contactExternalId: `x-${uniqueSuffix()}` });
    await prisma.contact.update({ where: { id: other.contactId }, data: { tags: ["stranger-tag"] } });
    const res = await call(listTagsRoute, "/api/tags", { as: marketer, headers: { "x-workspace": team.workspace.slug } });
    expect(res.status).toBe(200);
    const { tags } = await readJson(res);
    expect(tags).toEqual([...tags].sort());
    expect(tags).toEqual(expect.arrayContaining(["alpha", "beta", "zeta"]));
    expect(tags.filter((tag: string) => tag === "alpha")).toHaveLength(1);
    expect(tags).not.toContain("stranger-tag");
  });
});
