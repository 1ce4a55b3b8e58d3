// Saved replies (the composer's "/shortcut" answers) and workspace inbox settings.
import { beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "@/lib/auth/api-keys";
import { prisma } from "@/lib/db/client";
import * as savedRepliesRoute from "@/app/api/saved-replies/route";
import * as savedReplyRoute from "@/app/api/saved-replies/[id]/route";
import * as settingsRoute from "@/app/api/workspaces/[slug]/settings/route";
import { addMember, createAccount, type TestAccount, type TestUser } from "../helpers/factories";
import { call, readJson } from "../helpers/http";

let owner: TestAccount;
let agent: TestUser;
let marketer: TestUser;
let other: TestAccount;

beforeAll(async () => {
  owner = await createAccount({ label: "replies" });
  agent = (await addMember({ workspace: owner.workspace, invitedBy: owner.user, role: "agent" })).user;
  marketer = (await addMember({ workspace: owner.workspace, invitedBy: owner.user, role: "marketer" })).user;
  other = await createAccount({ label: "replies-other" });
});

const headers = () => ({ "x-workspace": owner.workspace.slug });

function list(as: TestUser = agent) {
  return call(savedRepliesRoute.GET, "/api/saved-replies", { as, headers: headers() });
}
function create(json: unknown, as: TestUser = agent) {
  return call(savedRepliesRoute.POST, "/api/saved-replies", { method: "POST", as, json, headers: headers() });
}
function update(id: string, json: unknown, as: TestUser = agent) {
  return call(savedReplyRoute.PATCH, `/api/saved-replies/${id}`, { method: "PATCH", as, json, headers: headers(), params: { id } });
}
function remove(id: string, as: TestUser = agent) {
  return call(savedReplyRoute.DELETE, `/api/saved-replies/${id}`, { method: "DELETE", as, headers: headers(), params: { id } });
}

async function expectError(res: Response, status: number, message: RegExp) {
  const body = await readJson(res);
  expect(res.status, JSON.stringify(body)).toBe(status);
  expect(body.error.message).toMatch(message);
  return body;
}

describe("saved replies", () => {
  it("creates, lists, updates and deletes", async () => {
    const created = await create({ shortcut: "Hours", body: "We're open 9–5, Monday to Saturday." });
    const { savedReply } = await readJson(created);
    expect(created.status).toBe(201);
    expect(savedReply).toEqual({ id: expect.any(String), shortcut: "hours", body: "We're open 9–5, Monday to Saturday." });
    await create({ shortcut: "address", body: "12 Market Street" });

    expect((await readJson(await list(marketer))).savedReplies.map((reply: { shortcut: string }) => reply.shortcut)).toEqual(["address", "hours"]);

    const changed = await update(savedReply.id, { body: "We're open 9–6." });
    expect(changed.status).toBe(200);
    expect((await readJson(changed)).savedReply).toEqual({ ...savedReply, body: "We're open 9–6." });

    expect((await remove(savedReply.id)).status).toBe(204);
    expect((await readJson(await list())).savedReplies.map((reply: { shortcut: string }) => reply.shortcut)).toEqual(["address"]);
    await expectError(await remove(savedReply.id), 404, /Saved reply not found/);
  });

  it("answers 409 for a shortcut already in use, on create and on rename", async () => {
    const { savedReply } = await readJson(await create({ shortcut: "refund", body: "Refunds take 5 days." }));
    const duplicate = await expectError(await create({ shortcut: "refund", body: "Other" }), 409, /The shortcut \/refund is already used/);
    expect(duplicate.error.field).toBe("shortcut");
    const { savedReply: second } = await readJson(await create({ shortcut: "returns", body: "Returns within 30 days." }));
    await expectError(await update(second.id, { shortcut: "refund" }), 409, /already used/);
    expect(await prisma.savedReply.findUniqueOrThrow({ where: { id: second.id } })).toMatchObject({ shortcut: "returns" });
    // Another workspace may use the same shortcut.
    const otherCreate = await call(savedRepliesRoute.POST, "/api/saved-replies", { method: "POST", as: other.user, json: { shortcut: "refund", body: "Theirs" }, headers: { "x-workspace": other.workspace.slug } });
    expect(otherCreate.status).toBe(201);
    expect(savedReply.shortcut).toBe("refund");
  });

  it("validates the shortcut and the body", async () => {
    await expectError(await create({ shortcut: "/hours", body: "x" }), 422, /^shortcut: /);
    await expectError(await create({ shortcut: "a".repeat(33), body: "x" }), 422, /^shortcut: /);
    await expectError(await create({ shortcut: "ok", body: "   " }), 422, /^body: can't be empty/);
    await expectError(await create({ shortcut: "ok", body: "x".repeat(4097) }), 422, /^body: must be at most 4096/);
    const { savedReply } = await readJson(await create({ shortcut: "valid", body: "x" }));
    await expectError(await update(savedReply.id, {}), 422, /Change the shortcut or the body/);
  });

  it("lets marketers read but not write, and scopes ids by workspace", async () => {
    await expectError(await create({ shortcut: "mkt", body: "x" }, marketer), 403, /role/);
    const foreign = await prisma.savedReply.create({ data: { workspaceId: other.workspace.id, shortcut: "theirs", body: "secret" } });
    await expectError(await update(foreign.id, { body: "mine now" }), 404, /Saved reply not found/);
    await expectError(await remove(foreign.id), 404, /Saved reply not found/);
    expect(await prisma.savedReply.findUniqueOrThrow({ where: { id: foreign.id } })).toMatchObject({ body: "secret" });
    expect(JSON.stringify(await readJson(await list()))).not.toContain("secret");
  });
});

describe("workspace settings", () => {
  const slug = () => owner.workspace.slug;
  const get = (as: TestUser) => call(settingsRoute.GET, `/api/workspaces/${slug()}/settings`, { as, params: { slug: slug() } });
  const patch = (json: unknown, as: TestUser = owner.user) => call(settingsRoute.PATCH, `/api/workspaces/${slug()}/settings`, { method: "PATCH", as, json, params: { slug: slug() } });

  it("reads defaults, and owners change them while keeping keys this version doesn't know", async () => {
    expect(await readJson(await get(agent))).toEqual({ settings: { humanAgentTag: false } });
    await prisma.workspace.update({ where: { id: owner.workspace.id }, data: { settings: { futureFlowSetting: 3 } } });
    const res = await patch({ humanAgentTag: true });
    expect(res.status).toBe(200);
    expect(await readJson(res)).toEqual({ settings: { humanAgentTag: true } });
    expect((await prisma.workspace.findUniqueOrThrow({ where: { id: owner.workspace.id } })).settings).toEqual({ futureFlowSetting: 3, humanAgentTag: true });
    expect(await readJson(await get(marketer))).toEqual({ settings: { humanAgentTag: true } });
  });

  it("refuses agents (403) and bad input (422)", async () => {
    await expectError(await patch({ humanAgentTag: false }, agent), 403, /owner or admin/);
    await expectError(await patch({ humanAgentTag: "yes" }), 422, /humanAgentTag/);
    await expectError(await patch({ unknownKey: true }), 422, /Unrecognized key/);
    await expectError(await patch({}), 422, /Change at least one setting/);
  });

  it("accepts an admin API key", async () => {
    const { key } = await createApiKey({ workspaceId: owner.workspace.id, name: "settings", role: "admin", createdById: owner.user.id });
    const res = await call(settingsRoute.PATCH, `/api/workspaces/${slug()}/settings`, { method: "PATCH", apiKey: key, json: { humanAgentTag: false }, params: { slug: slug() } });
    expect(await readJson(res)).toEqual({ settings: { humanAgentTag: false } });
  });
});
