// The flows API (issue 6): create, list, read, autosave with revision conflicts, rename, delete,
// roles (owner/admin/marketer write, agent reads) and bad input.
import { beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "@/lib/auth/api-keys";
import { prisma } from "@/lib/db/client";
import * as flowsRoute from "@/app/api/flows/route";
import * as flowRoute from "@/app/api/flows/[id]/route";
import { addMember, createAccount, type TestAccount, type TestUser } from "../helpers/factories";
import { keywordFlowDraft } from "../helpers/flows";
import { buildRequest, call, readJson } from "../helpers/http";

let owner: TestAccount;
let marketer: TestUser;
let agent: TestUser;

beforeAll(async () => {
  owner = await createAccount({ label: "flows" });
  marketer = (await addMember({ workspace: owner.workspace, invitedBy: owner.user, role: "marketer" })).user;
  agent = (await addMember({ workspace: owner.workspace, invitedBy: owner.user, role: "agent" })).user;
});

const headers = () => ({ "x-workspace": owner.workspace.slug });

function createFlow(json: unknown, as: TestUser = marketer) {
  return call(flowsRoute.POST, "/api/flows", { method: "POST", as, json, headers: headers() });
}
function listFlows(as: TestUser = agent) {
  return call(flowsRoute.GET, "/api/flows", { as, headers: headers() });
}
function getFlow(id: string, as: TestUser = agent) {
  return call(flowRoute.GET, `/api/flows/${id}`, { as, headers: headers(), params: { id } });
}
function patchFlow(id: string, json: unknown, as: TestUser = marketer) {
  return call(flowRoute.PATCH, `/api/flows/${id}`, { method: "PATCH", as, json, headers: headers(), params: { id } });
}
function deleteFlow(id: string, as: TestUser = marketer) {
  return call(flowRoute.DELETE, `/api/flows/${id}`, { method: "DELETE", as, headers: headers(), params: { id } });
}

async function expectError(res: Response, status: number, message?: RegExp) {
  const body = await readJson(res);
  expect(res.status, JSON.stringify(body)).toBe(status);
  if (message) expect(body.error.message).toMatch(message);
  return body;
}

async function newFlow(name = "Welcome") {
  const res = await createFlow({ name });
  expect(res.status).toBe(201);
  return (await readJson(res)).flow;
}

describe("creating and listing flows", () => {
  it("creates a draft flow with the starter draft: one keyword trigger", async () => {
    const flow = await newFlow("  Price questions  ");
    expect(flow).toMatchObject({ name: "Price questions", status: "draft", draftRevision: 0, activeVersion: null, hasUnpublishedChanges: true });
    expect(flow.draft).toEqual({
      schemaVersion: 1,
      settings: { interruptible: true },
      blocks: [{ id: "trigger", type: "keyword", position: { x: 0, y: 0 }, data: { match: "contains", keywords: [] } }],
      edges: [],
    });
    const detail = await readJson(await getFlow(flow.id));
    expect(detail.flow).toMatchObject({ id: flow.id, draft: flow.draft, draftRevision: 0, draftUpdatedBy: null });
  });

  it("lists the workspace's flows with status, active version, runs and completions, newest change first", async () => {
    const first = await newFlow("Listed first");
    const second = await newFlow("Listed second");
    const res = await listFlows();
    expect(res.status).toBe(200);
    const { flows } = await readJson(res);
    const ids = flows.map((flow: { id: string }) => flow.id);
    expect(ids.indexOf(second.id)).toBeLessThan(ids.indexOf(first.id));
    expect(flows.find((flow: { id: string }) => flow.id === first.id)).toEqual({
      id: first.id,
      name: "Listed first",
      status: "draft",
      draftRevision: 0,
      draftUpdatedAt: expect.any(String),
      activeVersion: null,
      hasUnpublishedChanges: true,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      runs: 0,
      completions: 0,
    });
    expect(flows[0]).not.toHaveProperty("draft");
  });

  it("validates the name", async () => {
    await expectError(await createFlow({ name: "   " }), 422, /^name: is required/);
    await expectError(await createFlow({ name: "x".repeat(81) }), 422, /^name: must be at most 80/);
    await expectError(await createFlow({}), 422, /^name: is required/);
    await expectError(await createFlow({ name: "ok", draft: {} }), 422);
  });

  it("answers 400 for malformed JSON and 415 for a body that is not JSON, storing nothing", async () => {
    const before = await prisma.flow.count({ where: { workspaceId: owner.workspace.id } });
    const malformed = await flowsRoute.POST(await buildRequest("/api/flows", { method: "POST", as: marketer, body: "{ name:", headers: { ...headers(), "content-type": "application/json" } }), { params: Promise.resolve({}) });
    await expectError(malformed, 400, /not valid JSON/);
    const form = await flowsRoute.POST(await buildRequest("/api/flows", { method: "POST", as: marketer, body: "name=x", headers: { ...headers(), "content-type": "application/x-www-form-urlencoded" } }), { params: Promise.resolve({}) });
    await expectError(form, 415);
    expect(await prisma.flow.count({ where: { workspaceId: owner.workspace.id } })).toBe(before);
  });
});

describe("autosave", () => {
  it("saves the draft against the revision it was based on and bumps the revision", async () => {
    const flow = await newFlow();
    const draft = keywordFlowDraft();
    const res = await patchFlow(flow.id, { draft, baseRevision: 0 });
    expect(res.status).toBe(200);
    const { flow: saved } = await readJson(res);
    expect(saved).toMatchObject({ id: flow.id, draftRevision: 1, status: "draft" });
    expect(saved).not.toHaveProperty("draft");
    const detail = (await readJson(await getFlow(flow.id))).flow;
    expect(detail.draft).toEqual(draft);
    expect(detail.draftUpdatedBy).toEqual({ id: marketer.id, name: marketer.name });
  });

  it("answers 409 naming who changed it when the draft changed since the editor loaded it, and keeps their version", async () => {
    const flow = await newFlow();
    const theirs = keywordFlowDraft({ text: "Saved by the owner" });
    expect((await patchFlow(flow.id, { draft: theirs, baseRevision: 0 }, owner.user)).status).toBe(200);

    // The marketer's tab still thinks revision 0 is current.
    const body = await expectError(await patchFlow(flow.id, { draft: keywordFlowDraft({ text: "Stale tab" }), baseRevision: 0 }), 409);
    expect(body.error.code).toBe("conflict");
    expect(body.error.field).toBe("baseRevision");
    expect(body.error.message).toContain(`changed by ${owner.user.name}`);
    expect(body.error.message).toMatch(/revision 1, you had 0\)\. Reload/);
    const stored = await prisma.flow.findUniqueOrThrow({ where: { id: flow.id }, select: { draft: true, draftRevision: true } });
    expect(stored).toEqual({ draft: theirs, draftRevision: 1 });

    // After reloading (revision 1) the save goes through.
    expect((await patchFlow(flow.id, { draft: keywordFlowDraft({ text: "After reload" }), baseRevision: 1 })).status).toBe(200);
  });

  it("keeps half-configured blocks in a draft (only the envelope is checked) but rejects a malformed draft", async () => {
    const flow = await newFlow();
    const halfDone = { ...keywordFlowDraft(), blocks: [{ id: "q", type: "ask_question", position: { x: 1, y: 2 }, data: { prompt: "" } }] };
    expect((await patchFlow(flow.id, { draft: halfDone, baseRevision: 0 })).status).toBe(200);

    await expectError(await patchFlow(flow.id, { draft: { ...halfDone, blocks: [{ id: "x", type: "teleport", position: { x: 0, y: 0 }, data: {} }] }, baseRevision: 1 }), 422, /^draft\.blocks\.0\.type/);
    await expectError(await patchFlow(flow.id, { draft: { ...halfDone, schemaVersion: 2 }, baseRevision: 1 }), 422, /^draft\.schemaVersion/);
    await expectError(await patchFlow(flow.id, { draft: { ...halfDone, blocks: [{ id: "bad id!", type: "end", position: { x: 0, y: 0 }, data: {} }] }, baseRevision: 1 }), 422, /Ids use letters/);
    await expectError(await patchFlow(flow.id, { draft: halfDone }), 422, /^baseRevision: is required with a draft/);
    await expectError(await patchFlow(flow.id, { draft: halfDone, baseRevision: -1 }), 422, /^baseRevision/);
    await expectError(await patchFlow(flow.id, {}), 422, /Send a new draft or a new name/);
    await expectError(await patchFlow(flow.id, { name: "x", extra: true }), 422);
    expect((await prisma.flow.findUniqueOrThrow({ where: { id: flow.id } })).draftRevision).toBe(1);
  });

  it("takes drafts larger than the default body limit (up to 1 MB)", async () => {
    const flow = await newFlow();
    const blocks = Array.from({ length: 150 }, (_, index) => ({ id: `m${index}`, type: "send_message" as const, position: { x: 0, y: index * 100 }, data: { kind: "text", text: "x".repeat(900) } }));
    const res = await patchFlow(flow.id, { draft: { ...keywordFlowDraft(), blocks }, baseRevision: 0 });
    expect(res.status, await res.clone().text()).toBe(200);
  });

  it("renames without touching the draft revision (a rename never conflicts)", async () => {
    const flow = await newFlow("Old name");
    const res = await patchFlow(flow.id, { name: "New name" });
    expect(res.status).toBe(200);
    expect((await readJson(res)).flow).toMatchObject({ name: "New name", draftRevision: 0 });
    await expectError(await patchFlow(flow.id, { name: "" }), 422, /^name: is required/);
  });
});

describe("deleting", () => {
  it("deletes a flow; it is gone afterwards", async () => {
    const flow = await newFlow();
    expect((await deleteFlow(flow.id)).status).toBe(204);
    await expectError(await getFlow(flow.id), 404, /No flow with this id/);
    await expectError(await deleteFlow(flow.id), 404);
    await expectError(await patchFlow(flow.id, { name: "ghost" }), 404);
    await expectError(await patchFlow(flow.id, { draft: keywordFlowDraft(), baseRevision: 0 }), 404);
  });
});

describe("roles", () => {
  it("lets agents read flows but not create, save, rename or delete them", async () => {
    const flow = await newFlow();
    expect((await listFlows(agent)).status).toBe(200);
    expect((await getFlow(flow.id, agent)).status).toBe(200);
    await expectError(await createFlow({ name: "By an agent" }, agent), 403, /owner or admin or marketer/);
    await expectError(await patchFlow(flow.id, { draft: keywordFlowDraft(), baseRevision: 0 }, agent), 403);
    await expectError(await patchFlow(flow.id, { name: "Renamed by an agent" }, agent), 403);
    await expectError(await deleteFlow(flow.id, agent), 403);
    expect(await prisma.flow.findUniqueOrThrow({ where: { id: flow.id }, select: { name: true, draftRevision: true } })).toEqual({ name: "Welcome", draftRevision: 0 });
  });

  it("lets owners and marketers write, and API keys act with their role", async () => {
    expect((await createFlow({ name: "By the owner" }, owner.user)).status).toBe(201);
    const adminKey = await createApiKey({ workspaceId: owner.workspace.id, name: "flows admin", role: "admin", createdById: owner.user.id });
    const agentKey = await createApiKey({ workspaceId: owner.workspace.id, name: "flows agent", role: "agent", createdById: owner.user.id });
    const byKey = await call(flowsRoute.POST, "/api/flows", { method: "POST", apiKey: adminKey.key, json: { name: "By the API" } });
    expect(byKey.status).toBe(201);
    const { flow } = await readJson(byKey);
    const saved = await call(flowRoute.PATCH, `/api/flows/${flow.id}`, { method: "PATCH", apiKey: adminKey.key, json: { draft: keywordFlowDraft(), baseRevision: 0 }, params: { id: flow.id } });
    expect(saved.status).toBe(200);
    expect((await prisma.flow.findUniqueOrThrow({ where: { id: flow.id } })).draftUpdatedById).toBeNull();
    await expectError(await call(flowsRoute.POST, "/api/flows", { method: "POST", apiKey: agentKey.key, json: { name: "Agent key" } }), 403);
    expect((await call(flowsRoute.GET, "/api/flows", { apiKey: agentKey.key })).status).toBe(200);
  });
});
