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
      ["channel", "contact", "id", "lastInboundAt", "lastMessageAt", "lastMessagePreview", "status", "unreadCount", "windowClosesAt"].sort(),
    );
    expect(first).toMatchObject({
      id: openOrder[0],
      status: "open",
      unreadCount: 2,
      lastMessagePreview: "Hello from Newest",
      channel: { id: whatsApp.id, type: "whatsapp_cloud", name: "Bakery WhatsApp" },
      contact: { id: expect.any(String), displayName: "Newest", username: null, phone: null, avatarUrl: null },
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
      expect(await readJson(res)).toEqual({ conversations: [], nextCursor: null });
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
