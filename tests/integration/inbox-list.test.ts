// GET /api/conversations: the inbox list. Most recent activity first, one status at a time,
// optionally one channel, paged with an opaque keyset cursor; every row says when the 24 h reply
// window closes. Rows are written directly: these tests are about reading, not ingestion.
import { beforeAll, describe, expect, it } from "vitest";
import { GET as listConversationsRoute } from "@/app/api/conversations/route";
import { createApiKey } from "@/lib/auth/api-keys";
import { prisma } from "@/lib/db/client";
import { getConversationSummary } from "@/lib/inbox/get-conversation-summary";
import { createWhatsAppChannel, getSandboxChannel, seedConversation } from "../helpers/channels";
import { addMember, createAccount, uniqueSuffix, type TestAccount } from "../helpers/factories";
import { call, readJson, type SessionSubject } from "../helpers/http";

const HOUR = 60 * 60 * 1000;
const base = Date.now() - 10 * HOUR;

type SeedOptions = {
  channel: { id: string; workspaceId: string };
  name: string;
  lastMessageAt?: Date | null;
  lastInboundAt?: Date | null;
  status?: "open" | "archived" | "blocked";
};

async function seed({ channel, name, lastMessageAt = null, lastInboundAt = null, status = "open" }: SeedOptions) {
  const { conversationId } = await seedConversation({ channel, contactExternalId: `${name}-${uniqueSuffix()}`, displayName: name });
  await prisma.conversation.update({
    where: { id: conversationId },
    data: { lastMessageAt, lastInboundAt, status, lastMessagePreview: lastMessageAt ? `Hello from ${name}` : null, unreadCount: lastInboundAt ? 2 : 0 },
  });
  return conversationId;
}

let owner: TestAccount;
let agent: SessionSubject;
let stranger: TestAccount;
let apiKey: string;
let sandbox: { id: string; workspaceId: string };
let whatsApp: { id: string; workspaceId: string; name: string };
/** The open conversations, in the order the list must return them. */
let openOrder: string[];
let archivedId: string;
let blockedId: string;

function list(query = "", as: SessionSubject = agent, slug = owner.workspace.slug) {
  return call(listConversationsRoute, `/api/conversations${query}`, { as, headers: { "x-workspace": slug } });
}

async function listIds(query = "") {
  const res = await list(query);
  expect(res.status).toBe(200);
  const body = await readJson(res);
  return body.conversations.map((conversation: { id: string }) => conversation.id) as string[];
}

beforeAll(async () => {
  owner = await createAccount({ label: "inbox-list" });
  agent = (await addMember({ workspace: owner.workspace, invitedBy: owner.user, role: "agent" })).user;
  stranger = await createAccount({ label: "inbox-stranger" });
  apiKey = (await createApiKey({ workspaceId: owner.workspace.id, name: "inbox key", role: "agent", createdById: owner.user.id })).key;
  sandbox = await getSandboxChannel(owner.workspace.id);
  whatsApp = await createWhatsAppChannel({ workspaceId: owner.workspace.id, name: "Bakery WhatsApp" });

  const at = (hours: number) => new Date(base + hours * HOUR);
  // Two conversations share a lastMessageAt: `id` desc breaks the tie. Three never had a message.
  // With pages of 3, one boundary falls between the tied pair and one among the never-active.
  const newest = await seed({ channel: whatsApp, name: "Newest", lastMessageAt: at(9), lastInboundAt: at(9) });
  const second = await seed({ channel: sandbox, name: "Second", lastMessageAt: at(7), lastInboundAt: at(7) });
  const tieA = await seed({ channel: sandbox, name: "Tie A", lastMessageAt: at(5), lastInboundAt: at(-30) });
  const tieB = await seed({ channel: whatsApp, name: "Tie B", lastMessageAt: at(5) });
  const oldest = await seed({ channel: whatsApp, name: "Oldest", lastMessageAt: at(-100), lastInboundAt: at(-100) });
  const silent = await Promise.all(["Silent A", "Silent B", "Silent C"].map((name, i) => seed({ channel: i % 2 ? whatsApp : sandbox, name })));
  const byIdDesc = (a: string, b: string) => (a < b ? 1 : -1);
  openOrder = [newest, second, ...[tieA, tieB].sort(byIdDesc), oldest, ...silent.sort(byIdDesc)];
  archivedId = await seed({ channel: sandbox, name: "Archived", lastMessageAt: at(8), status: "archived" });
  blockedId = await seed({ channel: whatsApp, name: "Blocked", lastMessageAt: at(7), status: "blocked" });
});

describe("GET /api/conversations", () => {
  it("lists open conversations by latest activity, ties by id, never-active ones last", async () => {
    expect(await listIds()).toEqual(openOrder);
  });

  it("returns each row's contact, channel and preview, and no other columns", async () => {
    const res = await list();
    const body = await readJson(res);
    expect(body.nextCursor).toBeNull();
    const first = body.conversations[0];
    expect(Object.keys(first).sort()).toEqual(
      [
        "assignee", "botPaused", "botPausedReason", "channel", "contact", "id", "lastInboundAt", "lastMessageAt", "lastMessagePreview", "status",
        "unreadCount", "windowClosesAt",
      ].sort(),
    );
    expect(first).toMatchObject({
      id: openOrder[0],
      status: "open",
      unreadCount: 2,
      lastMessagePreview: "Hello from Newest",
      channel: { id: whatsApp.id, type: "whatsapp_cloud", name: "Bakery WhatsApp" },
      assignee: null,
      botPaused: false,
      botPausedReason: null,
      contact: { id: expect.any(String), displayName: "Newest", username: null, phone: null, avatarUrl: null, tags: [], optedOut: false },
    });
  });

  it("says when the 24 h window closes: lastInboundAt + 24 h, null when the customer never wrote", async () => {
    const body = await readJson(await list());
    for (const conversation of body.conversations) {
      const expected = conversation.lastInboundAt ? new Date(new Date(conversation.lastInboundAt).getTime() + 24 * HOUR).toISOString() : null;
      expect(conversation.windowClosesAt).toBe(expected);
    }
    const byName = new Map(body.conversations.map((c: { contact: { displayName: string } }) => [c.contact.displayName, c]));
    expect(byName.get("Newest")).toMatchObject({ windowClosesAt: new Date(base + 33 * HOUR).toISOString() });
    expect(byName.get("Tie B")).toMatchObject({ lastInboundAt: null, windowClosesAt: null });
  });

  it("filters by status: archived and blocked conversations only on their own tab", async () => {
    expect(await listIds("?status=open")).toEqual(openOrder);
    expect(await listIds("?status=archived")).toEqual([archivedId]);
    expect(await listIds("?status=blocked")).toEqual([blockedId]);
  });

  it("filters by channel", async () => {
    const rows = await prisma.conversation.findMany({ where: { id: { in: openOrder } }, select: { id: true, channelId: true } });
    const channelOf = new Map(rows.map((row) => [row.id, row.channelId]));
    expect(await listIds(`?channelId=${whatsApp.id}`)).toEqual(openOrder.filter((id) => channelOf.get(id) === whatsApp.id));
    expect(await listIds(`?channelId=${sandbox.id}`)).toEqual(openOrder.filter((id) => channelOf.get(id) === sandbox.id));
    expect(await listIds(`?channelId=${whatsApp.id}&status=blocked`)).toEqual([blockedId]);
    expect(await listIds("?channelId=no-such-channel")).toEqual([]);
  });

  it("pages with the cursor across three pages without duplicates or gaps (ties and never-active rows on the boundaries)", async () => {
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const res = await list(`?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(res.status).toBe(200);
      const body = await readJson(res);
      pages.push(body.conversations.map((conversation: { id: string }) => conversation.id));
      cursor = body.nextCursor;
      if (cursor) expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    } while (cursor && pages.length < 10);
    expect(pages.map((page) => page.length)).toEqual([3, 3, 2]);
    expect(pages.flat()).toEqual(openOrder);
    expect(new Set(pages.flat()).size).toBe(openOrder.length);
  });

  it("ends with nextCursor null when the last page is exactly full", async () => {
    const first = await readJson(await list(`?limit=${openOrder.length - 2}`));
    const second = await readJson(await list(`?limit=2&cursor=${first.nextCursor}`));
    expect(second.conversations.map((c: { id: string }) => c.id)).toEqual(openOrder.slice(-2));
    expect(second.nextCursor).toBeNull();
  });

  it("serves API keys of the workspace", async () => {
    const res = await call(listConversationsRoute, "/api/conversations", { apiKey });
    expect(res.status).toBe(200);
    expect((await readJson(res)).conversations.map((c: { id: string }) => c.id)).toEqual(openOrder);
  });

  it.each([
    ["an unknown status", "?status=deleted", "status"],
    ["a limit of 0", "?limit=0", "limit"],
    ["a limit over 100", "?limit=101", "limit"],
    ["a limit that is not a number", "?limit=ten", "limit"],
    ["a cursor that was not issued by the server", "?cursor=not-a-cursor", "cursor"],
    ["a cursor with a malformed date", `?cursor=${Buffer.from(JSON.stringify(["yesterday", "abc"])).toString("base64url")}`, "cursor"],
  ])("answers 422 for %s", async (_label, query, field) => {
    const res = await list(query);
    expect(res.status).toBe(422);
    const body = await readJson(res);
    expect(body.error).toMatchObject({ code: "unprocessable", field });
  });

  it("gives another workspace nothing of ours, even with our channel id or cursor", async () => {
    const first = await readJson(await list("?limit=2"));
    const as = stranger.user;
    const slug = stranger.workspace.slug;
    for (const query of ["", "?status=archived", "?status=blocked", `?channelId=${whatsApp.id}`, `?channelId=${sandbox.id}`, `?cursor=${first.nextCursor}`]) {
      const res = await list(query, as, slug);
      expect(res.status).toBe(200);
      expect(await readJson(res)).toEqual({ conversations: [], nextCursor: null, syncCursor: expect.stringMatching(/^\d+$/) });
    }
    // And naming our workspace is refused outright.
    expect((await list("", as, owner.workspace.slug)).status).toBe(403);
  });
});

describe("getConversationSummary (the inbox page's ?c= on reload)", () => {
  it("returns the row as the list shows it, and null for another workspace", async () => {
    const listed = (await readJson(await list())).conversations[0];
    const summary = await getConversationSummary({ workspaceId: owner.workspace.id, id: openOrder[0] });
    expect(JSON.parse(JSON.stringify(summary))).toEqual(listed);
    expect(await getConversationSummary({ workspaceId: stranger.workspace.id, id: openOrder[0] })).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------
// Filters (assignee, unread, combinations) and search, on a workspace of their own.

type FixtureOptions = {
  channel: { id: string; workspaceId: string };
  name: string;
  username?: string;
  phone?: string;
  hoursAgo: number;
  status?: "open" | "archived" | "blocked";
  assigneeId?: string | null;
  unreadCount?: number;
  texts?: string[];
};

async function seedFixture({ channel, name, username, phone, hoursAgo, status = "open", assigneeId = null, unreadCount = 0, texts = [] }: FixtureOptions) {
  const contact = await prisma.contact.create({
    data: { workspaceId: channel.workspaceId, channelId: channel.id, externalId: `${name}-${uniqueSuffix()}`, displayName: name, username, phone },
  });
  const at = new Date(Date.now() - hoursAgo * HOUR);
  const conversation = await prisma.conversation.create({
    data: { workspaceId: channel.workspaceId, channelId: channel.id, contactId: contact.id, status, assigneeId, unreadCount, lastMessageAt: at, lastInboundAt: at },
  });
  for (const text of texts) {
    await prisma.message.create({
      data: {
        workspaceId: channel.workspaceId, conversationId: conversation.id, channelId: channel.id, direction: "inbound", contentType: "text",
        content: { type: "text", text }, status: "received", senderType: "contact",
      },
    });
  }
  return conversation.id;
}

describe("GET /api/conversations filters and search", () => {
  let team: TestAccount;
  let me: SessionSubject;
  let colleague: SessionSubject;
  let teamKey: string;
  let wa: { id: string; workspaceId: string };
  let sb: { id: string; workspaceId: string };
  const ids: Record<string, string> = {};

  function listAs(query: string, as: SessionSubject = me) {
    return call(listConversationsRoute, `/api/conversations${query}`, { as, headers: { "x-workspace": team.workspace.slug } });
  }
  async function idsFor(query: string) {
    const res = await listAs(query);
    const body = await readJson(res);
    expect(res.status, JSON.stringify(body)).toBe(200);
    return body.conversations.map((conversation: { id: string }) => conversation.id) as string[];
  }

  beforeAll(async () => {
    team = await createAccount({ label: "inbox-filters" });
    me = (await addMember({ workspace: team.workspace, invitedBy: team.user, role: "agent" })).user;
    colleague = (await addMember({ workspace: team.workspace, invitedBy: team.user, role: "agent" })).user;
    teamKey = (await createApiKey({ workspaceId: team.workspace.id, name: "filters key", role: "agent", createdById: team.user.id })).key;
    sb = await getSandboxChannel(team.workspace.id);
    wa = await createWhatsAppChannel({ workspaceId: team.workspace.id });
    // Newest first: A, B, C, D; E archived, F blocked.
    ids.A = await seedFixture({ channel: wa, name: "Alice Martin", username: "alice_m", phone: "+15550102030", hoursAgo: 1, assigneeId: me.id, unreadCount: 2, texts: ["hello there"] });
    ids.B = await seedFixture({ channel: sb, name: "Bob 100% Real", hoursAgo: 2, assigneeId: me.id, texts: ["thanks for the refund"] });
    ids.C = await seedFixture({ channel: wa, name: "Carla Underscore", username: "carla", hoursAgo: 3, unreadCount: 1, texts: ["Where is my ORDER?"] });
    ids.D = await seedFixture({ channel: sb, name: "Dan", hoursAgo: 4, assigneeId: colleague.id, unreadCount: 3, texts: ["my pizza margherita arrived cold"] });
    ids.E = await seedFixture({ channel: wa, name: "Eve Archived", hoursAgo: 5, status: "archived", assigneeId: me.id, texts: ["pizza again"] });
    ids.F = await seedFixture({ channel: sb, name: "Frank Blocked", hoursAgo: 6, status: "blocked" });
    // A deleted message does not make its conversation match.
    await prisma.message.updateMany({ where: { conversationId: ids.B }, data: { deletedAt: new Date() } });
    // Another workspace's message with our words never matches here.
    const other = await createAccount({ label: "inbox-filters-other" });
    await seedFixture({ channel: await getSandboxChannel(other.workspace.id), name: "Alice Elsewhere", hoursAgo: 0, texts: ["pizza margherita"] });
  });

  const byName = (...names: string[]) => names.map((name) => ids[name]);

  it.each([
    ["", ["A", "B", "C", "D"]],
    ["?assignee=me", ["A", "B"]],
    ["?assignee=unassigned", ["C"]],
    ["?unread=true", ["A", "C", "D"]],
    ["?unread=false", ["A", "B", "C", "D"]],
    ["?assignee=me&unread=true", ["A"]],
    ["?assignee=unassigned&unread=true", ["C"]],
    ["?status=archived&assignee=me", ["E"]],
    ["?status=blocked&assignee=unassigned", ["F"]],
    ["?status=archived&assignee=unassigned", []],
  ])("filters %s", async (query, expected) => {
    expect(await idsFor(query)).toEqual(byName(...expected));
  });

  it("filters by channel combined with assignee and unread", async () => {
    expect(await idsFor(`?channelId=${wa.id}`)).toEqual(byName("A", "C"));
    expect(await idsFor(`?channelId=${wa.id}&assignee=me`)).toEqual(byName("A"));
    expect(await idsFor(`?channelId=${sb.id}&unread=true`)).toEqual(byName("D"));
    expect(await idsFor(`?channelId=${sb.id}&assignee=me&unread=true`)).toEqual([]);
    expect(await idsFor(`?channelId=${wa.id}&status=archived`)).toEqual(byName("E"));
  });

  it("filters by a user id, and lists nothing for a user of no conversation", async () => {
    expect(await idsFor(`?assignee=${colleague.id}`)).toEqual(byName("D"));
    expect(await idsFor(`?assignee=${team.user.id}`)).toEqual([]);
    expect(await idsFor("?assignee=no-such-user")).toEqual([]);
  });

  it("resolves assignee=me per caller", async () => {
    const res = await listAs("?assignee=me", colleague);
    expect((await readJson(res)).conversations.map((c: { id: string }) => c.id)).toEqual(byName("D"));
  });

  it("answers 422 for assignee=me with an API key (it has no \"me\") and for a malformed unread", async () => {
    const res = await call(listConversationsRoute, "/api/conversations?assignee=me", { apiKey: teamKey });
    expect(res.status).toBe(422);
    expect((await readJson(res)).error).toMatchObject({ code: "unprocessable", field: "assignee" });
    const bad = await listAs("?unread=yes");
    expect(bad.status).toBe(422);
    expect((await readJson(bad)).error.field).toBe("unread");
  });

  it.each([
    ["a name, any case", "aLiCe", ["A"]],
    ["part of a name", "martin", ["A"]],
    ["a username, with or without @", "@alice_m", ["A"]],
    ["a phone number fragment", "0102030", ["A"]],
    ["a phone number with punctuation", "+1 (555) 010-2030", ["A"]],
    ["a word of a deleted message", "refund", []],
    ["a message word prefix, any case", "ORD", ["C"]],
    ["several message word prefixes", "pizz marg", ["D"]],
    ["words that are not all in one message", "pizza hot", []],
    ["a literal %", "%", ["B"]],
    ["a literal _", "_", ["A"]],
    ["a backslash", "\\", []],
    ["tsquery syntax as text", "pizza & !cold | (", ["D"]],
    ["quotes", "'pizza'", ["D"]],
  ])("searches %s", async (_label, q, expected) => {
    expect(await idsFor(`?q=${encodeURIComponent(q)}`)).toEqual(byName(...expected));
  });

  it("searches within the filter and pages search results", async () => {
    expect(await idsFor(`?q=pizza&status=archived`)).toEqual(byName("E"));
    expect(await idsFor(`?q=a&assignee=me`)).toEqual(byName("A", "B"));
    const first = await readJson(await listAs("?q=a&limit=2"));
    expect(first.conversations.map((c: { id: string }) => c.id)).toEqual(byName("A", "B"));
    const second = await readJson(await listAs(`?q=a&limit=2&cursor=${first.nextCursor}`));
    expect(second.conversations.map((c: { id: string }) => c.id)).toEqual(byName("C", "D"));
    expect(second.nextCursor).toBeNull();
  });

  it("treats a blank q as no search and refuses one over 100 characters", async () => {
    expect(await idsFor("?q=%20%20")).toEqual(byName("A", "B", "C", "D"));
    const res = await listAs(`?q=${"x".repeat(101)}`);
    expect(res.status).toBe(422);
    expect((await readJson(res)).error.field).toBe("q");
  });

  it("returns a syncCursor taken before the read (a number no later than a cursor taken after it)", async () => {
    const body = await readJson(await listAs(""));
    const [{ after }] = await prisma.$queryRaw<{ after: string }[]>`SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS after`;
    expect(body.syncCursor).toMatch(/^\d+$/);
    expect(BigInt(body.syncCursor) <= BigInt(after)).toBe(true);
  });

  it("shows the assignee, the bot pause and the contact's tags and opt-out on each row", async () => {
    await prisma.conversation.update({ where: { id: ids.A }, data: { botPaused: true, botPausedReason: "Paused by test" } });
    const contact = await prisma.conversation.findUniqueOrThrow({ where: { id: ids.A }, select: { contactId: true } });
    await prisma.contact.update({ where: { id: contact.contactId }, data: { tags: ["vip"], optedOut: true } });
    const row = (await readJson(await listAs("?assignee=me"))).conversations[0];
    expect(row).toMatchObject({
      id: ids.A,
      assignee: { id: me.id, name: me.name },
      botPaused: true,
      botPausedReason: "Paused by test",
      contact: { displayName: "Alice Martin", username: "alice_m", phone: "+15550102030", tags: ["vip"], optedOut: true },
    });
  });
});

describe("GET /api/conversations search over more conversations than the search window", () => {
  let crowd: TestAccount;
  let newestFirst: string[];

  beforeAll(async () => {
    crowd = await createAccount({ label: "inbox-search-crowd" });
    const channel = await getSandboxChannel(crowd.workspace.id);
    const suffix = uniqueSuffix();
    // 130 conversations, one a minute; every one but the oldest says "banana", the oldest "kiwi".
    await prisma.$executeRaw`
      WITH contacts AS (
        INSERT INTO "Contact" (id, "workspaceId", "channelId", "externalId", "displayName", "updatedAt")
        SELECT 'crowd-' || ${suffix} || '-' || lpad(g::text, 3, '0'), ${crowd.workspace.id}, ${channel.id}, 'crowd-' || g,
               CASE WHEN g = 1 THEN 'Zed Oldest' ELSE 'Filler ' || g END, now()
        FROM generate_series(1, 130) g RETURNING id),
      conversations AS (
        INSERT INTO "Conversation" (id, "workspaceId", "channelId", "contactId", "lastMessageAt", "updatedAt")
        SELECT 'conv-' || id, ${crowd.workspace.id}, ${channel.id}, id,
               now() - (200 - right(id, 3)::int) * interval '1 minute', now()
        FROM contacts RETURNING id)
      INSERT INTO "Message" (id, "workspaceId", "conversationId", "channelId", direction, "contentType", content, status, "senderType", "updatedAt")
      SELECT 'msg-' || id, ${crowd.workspace.id}, id, ${channel.id}, 'inbound', 'text',
             jsonb_build_object('type', 'text', 'text', CASE WHEN right(id, 3) = '001' THEN 'a rare kiwi' ELSE 'one banana please' END),
             'received', 'contact', now()
      FROM conversations`;
    const rows = await prisma.conversation.findMany({ where: { workspaceId: crowd.workspace.id }, orderBy: [{ lastMessageAt: "desc" }, { id: "desc" }], select: { id: true } });
    newestFirst = rows.map((row) => row.id);
  });

  async function search(query: string) {
    const res = await call(listConversationsRoute, `/api/conversations?${query}`, { as: crowd.user, headers: { "x-workspace": crowd.workspace.slug } });
    expect(res.status).toBe(200);
    return readJson(res);
  }

  it("finds a rare message or contact far past the newest conversations", async () => {
    expect((await search("q=kiwi")).conversations.map((c: { id: string }) => c.id)).toEqual([newestFirst.at(-1)]);
    expect((await search("q=zed")).conversations.map((c: { id: string }) => c.id)).toEqual([newestFirst.at(-1)]);
  });

  it("pages a common word through every match, in list order", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const body = await search(`q=banana&limit=50${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...body.conversations.map((c: { id: string }) => c.id));
      cursor = body.nextCursor;
    } while (cursor && seen.length < 500);
    expect(seen).toEqual(newestFirst.slice(0, -1));
  });
});
