// GET /api/inbox/changes as `npm start` serves it: straight from node:http
// (lib/inbox/poll/handle-node-poll.ts, scripts/server.ts), with the caller's authorization, the
// cursor and the change scan in one SQL statement. Same rules and answers as every workspace
// route (withWorkspace): nothing about access is cached, so a removed member, a deleted user or a
// revoked key is refused on the very next poll.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as changesRoute } from "@/app/api/inbox/changes/route";
import { createApiKey, revokeApiKey } from "@/lib/auth/api-keys";
import { prisma } from "@/lib/db/client";
import { listConversationSummaries } from "@/lib/inbox/get-conversation-summary";
import { handleNodePoll } from "@/lib/inbox/poll/handle-node-poll";
import { readConversationSummaries } from "@/lib/inbox/poll/read-conversation-summaries";
import { getSandboxChannel, seedConversation } from "../helpers/channels";
import { addMember, createAccount, uniqueSuffix, type TestAccount } from "../helpers/factories";
import { call, sessionCookie, type SessionSubject } from "../helpers/http";

let team: TestAccount;
let other: TestAccount;
let agent: SessionSubject;
let apiKey: string;
let sandbox: { id: string; workspaceId: string };
let server: Server;
let baseUrl: string;
/** Requests the listener did not serve (the host would give them to Next.js). */
const passedOn: string[] = [];

beforeAll(async () => {
  team = await createAccount({ label: "poll-node" });
  other = await createAccount({ label: "poll-node-other" });
  agent = (await addMember({ workspace: team.workspace, invitedBy: team.user, role: "agent" })).user;
  apiKey = (await createApiKey({ workspaceId: team.workspace.id, name: "poller", role: "agent", createdById: team.user.id })).key;
  sandbox = await getSandboxChannel(team.workspace.id);
  server = createServer((req, res) => {
    if (handleNodePoll(req, res)) return;
    passedOn.push(`${req.method} ${req.url}`);
    res.writeHead(299).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

type PollOptions = { as?: SessionSubject; key?: string; workspace?: string | null; method?: string };

async function poll(query: string, { as = agent, key, workspace = team.workspace.slug, method = "GET" }: PollOptions = {}) {
  const headers: Record<string, string> = {};
  if (key) headers.authorization = `Bearer ${key}`;
  else if (as) headers.cookie = await sessionCookie(as);
  if (workspace) headers["x-workspace"] = workspace;
  const res = await fetch(`${baseUrl}/api/inbox/changes${query}`, { method, headers });
  const text = await res.text();
  return { res, status: res.status, etag: res.headers.get("etag"), text, body: text ? JSON.parse(text) : null };
}

/** A cursor at which every earlier write of this file has ended (see inbox-changes.test.ts). */
async function cursorNow() {
  const [{ xid }] = await prisma.$queryRaw<{ xid: string }[]>`SELECT pg_current_xact_id()::text AS xid`;
  for (let attempt = 0; ; attempt++) {
    const { body } = await poll("");
    if (BigInt(body.syncCursor) > BigInt(xid) || attempt >= 100) return body.syncCursor as string;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function seedOpen(name: string, data: { assigneeId?: string } = {}) {
  const { conversationId } = await seedConversation({ channel: sandbox, contactExternalId: `${name}-${uniqueSuffix()}`, displayName: name });
  await prisma.conversation.update({ where: { id: conversationId }, data: { lastMessageAt: new Date(), ...data } });
  return conversationId;
}

describe("GET /api/inbox/changes from node:http (npm start)", () => {
  it("answers 304 with the next cursor as ETag and the security headers, then 200 with what changed", async () => {
    const since = await cursorNow();
    const quiet = await poll(`?since=${since}`);
    expect(quiet.status).toBe(304);
    expect(quiet.text).toBe("");
    expect(quiet.etag).toMatch(/^"\d+"$/);
    expect(quiet.res.headers.get("cache-control")).toBe("no-store");
    expect(quiet.res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(quiet.res.headers.get("x-frame-options")).toBe("DENY");

    const conversationId = await seedOpen("Node poll", { assigneeId: agent.id });
    const changed = await poll(`?since=${quiet.etag!.slice(1, -1)}&assignee=me`);
    expect(changed.status).toBe(200);
    expect(changed.res.headers.get("content-type")).toBe("application/json");
    expect(changed.body.conversations).toMatchObject([{ id: conversationId, assignee: { id: agent.id } }]);
    expect(changed.etag).toBe(`"${changed.body.syncCursor}"`);
  });

  it("gives the same answers as the route handler", async () => {
    const since = await cursorNow();
    const cases = [`?since=${since}`, "?since=abc", `?since=${since}&status=deleted`, ""];
    for (const query of cases) {
      const node = await poll(query);
      const route = await call(changesRoute, `/api/inbox/changes${query}`, { as: agent, headers: { "x-workspace": team.workspace.slug } });
      expect(node.status, query).toBe(route.status);
      if (node.status >= 400) expect(node.body).toEqual(await route.json());
    }
  });

  it("passes every other request on untouched", async () => {
    passedOn.length = 0;
    const post = await fetch(`${baseUrl}/api/inbox/changes`, { method: "POST" });
    expect(post.status).toBe(299);
    expect((await fetch(`${baseUrl}/api/inbox/changes/extra`)).status).toBe(299);
    expect((await fetch(`${baseUrl}/api/inbox/changesX?since=1`)).status).toBe(299);
    expect((await fetch(`${baseUrl}/api/conversations`)).status).toBe(299);
    expect(passedOn).toEqual(["POST /api/inbox/changes", "GET /api/inbox/changes/extra", "GET /api/inbox/changesX?since=1", "GET /api/conversations"]);
  });

  it("answers 401 without a session, with a forged cookie and with a malformed or unknown key", async () => {
    const anonymous = await fetch(`${baseUrl}/api/inbox/changes?since=1`, { headers: { "x-workspace": team.workspace.slug } });
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error.code).toBe("unauthorized");
    const forged = await fetch(`${baseUrl}/api/inbox/changes?since=1`, { headers: { cookie: "next-auth.session-token=not-a-jwt", "x-workspace": team.workspace.slug } });
    expect(forged.status).toBe(401);
    expect((await poll("?since=1", { key: "sb_live_unknown" })).status).toBe(401);
    const basic = await fetch(`${baseUrl}/api/inbox/changes?since=1`, { headers: { authorization: "Basic abc" } });
    expect(basic.status).toBe(401);
  });

  it("checks who is asking before the input: a stranger with a bad cursor gets 401, a member 422", async () => {
    const stranger = await fetch(`${baseUrl}/api/inbox/changes?since=abc`);
    expect(stranger.status).toBe(401);
    const outsider = await poll("?since=abc", { as: other.user });
    expect(outsider.status).toBe(403);
    const member = await poll("?since=abc");
    expect(member.status).toBe(422);
    expect(member.body.error.code).toBe("unprocessable");
  });

  it("answers 400 for a session without X-Workspace and 403 for a workspace the user is not a member of", async () => {
    const unnamed = await poll("?since=1", { workspace: null });
    expect(unnamed.status).toBe(400);
    const foreign = await poll("?since=1", { workspace: other.workspace.slug });
    expect(foreign.status).toBe(403);
    const missing = await poll("?since=1", { workspace: `no-such-${uniqueSuffix()}` });
    expect(missing.status).toBe(403);
    expect(missing.body).toEqual(foreign.body);
  });

  it("keeps other workspaces' conversations out: 404 for their thread, nothing of their changes", async () => {
    const since = await cursorNow();
    const { conversationId } = await seedConversation({ channel: await getSandboxChannel(other.workspace.id), contactExternalId: `v-${uniqueSuffix()}`, displayName: "Other tenant" });
    const thread = await poll(`?since=${since}&conversationId=${conversationId}`);
    expect(thread.status).toBe(404);
    expect(thread.text).not.toContain("Other tenant");
    expect((await poll(`?since=${since}`)).status).toBe(304);
    const theirs = await poll(`?since=${since}`, { as: other.user, workspace: other.workspace.slug });
    expect(theirs.status).toBe(200);
    expect(theirs.body.conversations.map((c: { id: string }) => c.id)).toContain(conversationId);
  });

  it("serves API keys: their own workspace, 403 for another X-Workspace, 422 for assignee=me, and records the use", async () => {
    const since = await cursorNow();
    const own = await poll(`?since=${since}`, { key: apiKey });
    expect(own.status).toBe(304);
    const named = await poll(`?since=${since}`, { key: apiKey, workspace: team.workspace.slug });
    expect(named.status).toBe(304);
    expect((await poll(`?since=${since}`, { key: apiKey, workspace: other.workspace.slug })).status).toBe(403);
    expect((await poll(`?since=${since}&assignee=me`, { key: apiKey })).status).toBe(422);
    const record = await prisma.apiKey.findFirstOrThrow({ where: { workspaceId: team.workspace.id, name: "poller" }, select: { lastUsedAt: true } });
    expect(record.lastUsedAt).not.toBeNull();
  });

  it("refuses a revoked key on its next poll", async () => {
    const created = await createApiKey({ workspaceId: team.workspace.id, name: "soon revoked", role: "agent", createdById: team.user.id });
    expect((await poll("?since=1", { key: created.key })).status).not.toBe(401);
    await revokeApiKey({ workspaceId: team.workspace.id, id: created.id });
    const after = await poll("?since=1", { key: created.key });
    expect(after.status).toBe(401);
    expect(after.body.error.message).toMatch(/revoked/);
  });

  it("refuses a removed member on the very next poll, and a deleted user with 401", async () => {
    const leaving = (await addMember({ workspace: team.workspace, invitedBy: team.user, role: "agent", label: "leaving" })).user;
    const since = await cursorNow();
    // Polled once: the session's JWT is now in the process's decode cache.
    expect((await poll(`?since=${since}`, { as: leaving })).status).toBe(304);
    await prisma.membership.deleteMany({ where: { userId: leaving.id, workspaceId: team.workspace.id } });
    const removed = await poll(`?since=${since}`, { as: leaving });
    expect(removed.status).toBe(403);
    await prisma.user.delete({ where: { id: leaving.id } });
    const deleted = await poll(`?since=${since}`, { as: leaving });
    expect(deleted.status).toBe(401);
  });

  it("hydrates changed conversations exactly as the list does (one SQL statement instead of Prisma's four)", async () => {
    const full = await seedOpen("Full summary", { assigneeId: agent.id });
    await prisma.conversation.update({
      where: { id: full },
      data: { unreadCount: 3, lastMessagePreview: "Where is my order?", lastInboundAt: new Date("2026-11-20T10:11:12.345Z"), botPaused: true, botPausedReason: "handoff" },
    });
    const contact = await prisma.conversation.findUniqueOrThrow({ where: { id: full }, select: { contactId: true } });
    await prisma.contact.update({ where: { id: contact.contactId }, data: { tags: ["vip", "late"], optedOut: true, username: "ada", phone: "+15550001", avatarUrl: "https://example.test/a.png" } });
    const bare = await seedOpen("Bare summary");
    await prisma.conversation.update({ where: { id: bare }, data: { lastInboundAt: null, lastMessageAt: null, status: "archived" } });
    const { conversationId: foreign } = await seedConversation({ channel: await getSandboxChannel(other.workspace.id), contactExternalId: `f-${uniqueSuffix()}`, displayName: "Foreign" });
    const ids = [bare, "no-such-conversation", full, foreign];
    const viaSql = await readConversationSummaries({ workspaceId: team.workspace.id, ids });
    const viaPrisma = await listConversationSummaries({ workspaceId: team.workspace.id, ids });
    expect(viaSql.map((c) => c.id)).toEqual([bare, full]);
    expect(viaSql).toEqual(viaPrisma);
    // As the client receives them: the same JSON, dates included.
    expect(JSON.parse(JSON.stringify(viaSql))).toEqual(JSON.parse(JSON.stringify(viaPrisma)));
    expect(viaSql[1]).toMatchObject({ lastInboundAt: new Date("2026-11-20T10:11:12.345Z"), windowClosesAt: new Date("2026-11-21T10:11:12.345Z"), contact: { tags: ["vip", "late"] } });
  });
});
