// Publishing flows (issue 6 §3): full validation with per-block issues (422, the live version
// keeps running), frozen versions n+1 with the trigger index rewritten in one transaction,
// pause/resume, version history, restore as draft, and per-block analytics.
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import type { FlowDraft } from "@/lib/flows/definition/flow-definition-schema";
import { publishFlow } from "@/lib/flows/manage/publish-flow";
import * as flowsRoute from "@/app/api/flows/route";
import * as flowRoute from "@/app/api/flows/[id]/route";
import * as publishRoute from "@/app/api/flows/[id]/publish/route";
import * as pauseRoute from "@/app/api/flows/[id]/pause/route";
import * as resumeRoute from "@/app/api/flows/[id]/resume/route";
import * as versionsRoute from "@/app/api/flows/[id]/versions/route";
import * as versionRoute from "@/app/api/flows/[id]/versions/[version]/route";
import * as restoreRoute from "@/app/api/flows/[id]/versions/[version]/restore/route";
import * as analyticsRoute from "@/app/api/flows/[id]/analytics/route";
import { addMember, createAccount, uniqueSuffix, type TestAccount, type TestUser } from "../helpers/factories";
import { createPublishedFlow, keywordFlowDraft } from "../helpers/flows";
import { call, readJson } from "../helpers/http";

let owner: TestAccount;
let marketer: TestUser;
let agent: TestUser;

beforeAll(async () => {
  owner = await createAccount({ label: "publish" });
  marketer = (await addMember({ workspace: owner.workspace, invitedBy: owner.user, role: "marketer" })).user;
  agent = (await addMember({ workspace: owner.workspace, invitedBy: owner.user, role: "agent" })).user;
});

const headers = () => ({ "x-workspace": owner.workspace.slug });
const as = (user: TestUser = marketer) => ({ as: user, headers: headers() });

async function newFlow(name = `Flow ${uniqueSuffix()}`) {
  const { flow } = await readJson(await call(flowsRoute.POST, "/api/flows", { method: "POST", json: { name }, ...as() }));
  return flow as { id: string; draftRevision: number };
}
async function save(id: string, draft: unknown, baseRevision: number) {
  const res = await call(flowRoute.PATCH, `/api/flows/${id}`, { method: "PATCH", json: { draft, baseRevision }, params: { id }, ...as() });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await readJson(res)).flow.draftRevision as number;
}
function publish(id: string, baseRevision: number, user?: TestUser) {
  return call(publishRoute.POST, `/api/flows/${id}/publish`, { method: "POST", json: { baseRevision }, params: { id }, ...as(user) });
}
function pause(id: string, user?: TestUser) {
  return call(pauseRoute.POST, `/api/flows/${id}/pause`, { method: "POST", params: { id }, ...as(user) });
}
function resume(id: string, user?: TestUser) {
  return call(resumeRoute.POST, `/api/flows/${id}/resume`, { method: "POST", params: { id }, ...as(user) });
}
function versions(id: string, user: TestUser = agent) {
  return call(versionsRoute.GET, `/api/flows/${id}/versions`, { params: { id }, ...as(user) });
}
function version(id: string, number: string, user: TestUser = agent) {
  return call(versionRoute.GET, `/api/flows/${id}/versions/${number}`, { params: { id, version: number }, ...as(user) });
}
function restore(id: string, number: string, baseRevision: unknown, user?: TestUser) {
  return call(restoreRoute.POST, `/api/flows/${id}/versions/${number}/restore`, { method: "POST", json: { baseRevision }, params: { id, version: number }, ...as(user) });
}
function analytics(id: string, query = "", user: TestUser = agent) {
  return call(analyticsRoute.GET, `/api/flows/${id}/analytics${query}`, { params: { id }, ...as(user) });
}
function triggers(flowId: string) {
  return prisma.flowTrigger.findMany({ where: { flowId }, select: { workspaceId: true, versionId: true, blockId: true, kind: true, block: true } });
}
async function flowState(id: string) {
  return prisma.flow.findUniqueOrThrow({ where: { id }, select: { status: true, activeVersionId: true, draftRevision: true } });
}
/** A session running on a version, as the runner will store it (only the columns matter here). */
function openSession({ flowId, versionId }: { flowId: string; versionId: string }) {
  return prisma.flowSession.create({
    data: { workspaceId: owner.workspace.id, flowId, versionId, contactId: `contact-${uniqueSuffix()}`, conversationId: `conv-${uniqueSuffix()}`, state: { currentBlockId: "m" } },
  });
}

describe("publishing", () => {
  it("answers 422 with every issue and its block when the graph is invalid, and creates nothing", async () => {
    const flow = await newFlow();
    // The starter draft: a keyword trigger with no keyword and no next block.
    const res = await publish(flow.id, 0);
    const body = await readJson(res);
    expect(res.status, JSON.stringify(body)).toBe(422);
    expect(body.error).toEqual({ code: "unprocessable", message: "The flow has 1 problem to fix before it can be published; what runs now is unchanged" });
    expect(body.issues).toEqual([
      expect.objectContaining({ severity: "error", code: "invalid_block", blockId: "trigger", path: ["data", "keywords"], message: expect.stringContaining("Add at least one keyword") }),
    ]);
    expect(await prisma.flowVersion.count({ where: { flowId: flow.id } })).toBe(0);
    expect(await flowState(flow.id)).toEqual({ status: "draft", activeVersionId: null, draftRevision: 0 });

    // With its keyword set, the trigger is reported as leading nowhere, plus a block nothing reaches.
    const draft = keywordFlowDraft();
    const revision = await save(flow.id, { ...draft, edges: [] }, 0);
    const unconnected = await readJson(await publish(flow.id, revision));
    expect(unconnected.error.message).toMatch(/^The flow has 1 problem to fix/);
    expect(unconnected.issues).toEqual([
      expect.objectContaining({ severity: "error", code: "missing_connection", blockId: "t" }),
      expect.objectContaining({ severity: "warning", code: "unreachable_block", blockId: "m" }),
    ]);
  });

  it("freezes the draft as version 1, makes it active and writes one trigger row per trigger block", async () => {
    const flow = await newFlow();
    const revision = await save(flow.id, keywordFlowDraft({ keyword: "price" }), 0);
    const res = await publish(flow.id, revision);
    const body = await readJson(res);
    expect(res.status, JSON.stringify(body)).toBe(201);
    expect(body.version).toEqual({ id: expect.any(String), version: 1, publishedAt: expect.any(String) });
    expect(body.flow).toMatchObject({ status: "active", activeVersion: { id: body.version.id, version: 1 }, hasUnpublishedChanges: false, draftRevision: revision });
    expect(body.warnings).toEqual([]);

    const stored = await prisma.flowVersion.findUniqueOrThrow({ where: { id: body.version.id } });
    expect(stored).toMatchObject({ workspaceId: owner.workspace.id, flowId: flow.id, version: 1, publishedById: marketer.id });
    // Frozen with the defaults applied (flowDefinitionSchema), not the raw draft.
    expect(stored.definition).toMatchObject({ blocks: [{ id: "t", type: "keyword" }, { id: "m", type: "send_message", data: { kind: "text", text: "It costs $10" } }] });
    expect(await triggers(flow.id)).toEqual([
      { workspaceId: owner.workspace.id, versionId: body.version.id, blockId: "t", kind: "keyword", block: { id: "t", type: "keyword", position: { x: 0, y: 0 }, data: { match: "contains", keywords: ["price"] } } },
    ]);
  });

  it("keeps the last good version running when a later publish fails, and publishes n+1 when fixed", async () => {
    const { flowId, versionId: v1, draftRevision } = await createPublishedFlow({ workspaceId: owner.workspace.id, userId: marketer.id, keyword: "price" });
    const running = await openSession({ flowId, versionId: v1 });

    // A second trigger and a dangling connection: both named on their blocks.
    const broken: FlowDraft = keywordFlowDraft({ keyword: "cost" });
    broken.blocks.push({ id: "t2", type: "fallback", position: { x: 300, y: 0 }, data: {} });
    broken.edges.push({ id: "e2", source: "m", target: "nowhere" });
    const brokenRevision = await save(flowId, broken, draftRevision);
    const failed = await publish(flowId, brokenRevision);
    const body = await readJson(failed);
    expect(failed.status).toBe(422);
    expect(body.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: "multiple_triggers", blockId: "t2" }),
        expect.objectContaining({ code: "dangling_edge", blockId: "m", edgeId: "e2" }),
      ]),
    );
    expect(await flowState(flowId)).toMatchObject({ status: "active", activeVersionId: v1 });
    expect((await triggers(flowId)).map((row) => [row.versionId, row.block])).toEqual([[v1, expect.objectContaining({ data: { match: "contains", keywords: ["price"] } })]]);

    const fixedRevision = await save(flowId, keywordFlowDraft({ keyword: "cost" }), brokenRevision);
    const published = await publish(flowId, fixedRevision);
    expect(published.status).toBe(201);
    const v2 = (await readJson(published)).version;
    expect(v2.version).toBe(2);
    expect(await flowState(flowId)).toMatchObject({ status: "active", activeVersionId: v2.id });
    const rows = await triggers(flowId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ versionId: v2.id, blockId: "t", block: { data: { keywords: ["cost"] } } });
    // Sessions already running finish on the version they started on.
    expect(await prisma.flowSession.findUniqueOrThrow({ where: { id: running.id }, select: { versionId: true, status: true } })).toEqual({ versionId: v1, status: "open" });
    expect(await prisma.flowVersion.count({ where: { flowId } })).toBe(2);
  });

  it("answers 409 when the draft changed since the publisher loaded it, and publishes nothing", async () => {
    const flow = await newFlow();
    const revision = await save(flow.id, keywordFlowDraft(), 0);
    const res = await publish(flow.id, revision - 1);
    const body = await readJson(res);
    expect(res.status).toBe(409);
    expect(body.error.message).toMatch(/This flow was changed by .+ since you loaded it \(revision 1, you had 0\)/);
    expect(await prisma.flowVersion.count({ where: { flowId: flow.id } })).toBe(0);
  });

  it("rejects a go-to-flow block pointing at a flow that is not in this workspace", async () => {
    const other = await createAccount({ label: "publish-other" });
    const foreign = await createPublishedFlow({ workspaceId: other.workspace.id, userId: other.user.id });
    const flow = await newFlow();
    const draft = keywordFlowDraft();
    draft.blocks.push({ id: "g", type: "go_to_flow", position: { x: 0, y: 300 }, data: { flowId: foreign.flowId } });
    draft.edges.push({ id: "e2", source: "m", target: "g" });
    const res = await publish(flow.id, await save(flow.id, draft, 0));
    const body = await readJson(res);
    expect(res.status).toBe(422);
    expect(body.issues).toEqual([expect.objectContaining({ code: "invalid_block", blockId: "g", path: ["data", "flowId"], message: expect.stringContaining("does not exist in this workspace") })]);
  });

  it("refuses HTTP blocks calling private addresses when private hosts are not allowed (production)", async () => {
    const flow = await newFlow();
    const draft = keywordFlowDraft();
    draft.blocks.push({ id: "h", type: "http_request", position: { x: 0, y: 300 }, data: { method: "GET", url: "http://127.0.0.1:8080/internal" } });
    draft.edges.push({ id: "e2", source: "m", target: "h" });
    const revision = await save(flow.id, draft, 0);
    const refused = await publishFlow({ workspaceId: owner.workspace.id, id: flow.id, userId: null, baseRevision: revision, allowPrivateHosts: false });
    expect(refused).toEqual({ ok: false, issues: [expect.objectContaining({ code: "private_address", blockId: "h", path: ["data", "url"] })] });
    // Tests (NODE_ENV=test) call local fakes, so the route allows them here.
    expect((await publish(flow.id, revision)).status).toBe(201);
  });

  it("returns warnings (an unconnected condition branch) with a successful publish", async () => {
    const flow = await newFlow();
    const draft = keywordFlowDraft();
    draft.blocks.push({ id: "c", type: "condition", position: { x: 0, y: 300 }, data: { match: "all", rules: [{ kind: "tag", operator: "has", tag: "vip" }] } });
    draft.blocks.push({ id: "end", type: "end", position: { x: 0, y: 450 }, data: {} });
    draft.edges.push({ id: "e2", source: "m", target: "c" }, { id: "e3", source: "c", sourceHandle: "true", target: "end" });
    const res = await publish(flow.id, await save(flow.id, draft, 0));
    const body = await readJson(res);
    expect(res.status, JSON.stringify(body)).toBe(201);
    expect(body.warnings).toEqual([expect.objectContaining({ severity: "warning", code: "unconnected_branch", blockId: "c" })]);
  });

  it("is for owners, admins and marketers: an agent gets 403 and nothing is published", async () => {
    const flow = await newFlow();
    const revision = await save(flow.id, keywordFlowDraft(), 0);
    expect((await publish(flow.id, revision, agent)).status).toBe(403);
    expect(await prisma.flowVersion.count({ where: { flowId: flow.id } })).toBe(0);
    expect((await publish(flow.id, revision, owner.user)).status).toBe(201);
  });

  it("answers 422 for a body without baseRevision and 404 for an unknown flow", async () => {
    const flow = await newFlow();
    const res = await call(publishRoute.POST, `/api/flows/${flow.id}/publish`, { method: "POST", json: {}, params: { id: flow.id }, ...as() });
    expect(res.status).toBe(422);
    expect((await readJson(res)).error.message).toMatch(/^baseRevision: is required/);
    expect((await publish("no-such-flow", 0)).status).toBe(404);
  });
});

describe("pause and resume", () => {
  it("pause removes the trigger rows (no new sessions), leaves running sessions alone; resume writes them back", async () => {
    const { flowId, versionId } = await createPublishedFlow({ workspaceId: owner.workspace.id, userId: marketer.id });
    const running = await openSession({ flowId, versionId });

    const paused = await pause(flowId);
    expect(paused.status).toBe(200);
    expect((await readJson(paused)).flow).toMatchObject({ status: "paused", activeVersion: { id: versionId, version: 1 } });
    expect(await triggers(flowId)).toEqual([]);
    expect(await prisma.flowSession.findUniqueOrThrow({ where: { id: running.id }, select: { status: true, versionId: true } })).toEqual({ status: "open", versionId });
    expect((await pause(flowId)).status).toBe(200);

    const resumed = await resume(flowId);
    expect(resumed.status).toBe(200);
    expect((await readJson(resumed)).flow).toMatchObject({ status: "active" });
    expect(await triggers(flowId)).toEqual([expect.objectContaining({ versionId, blockId: "t", kind: "keyword" })]);
    expect((await resume(flowId)).status).toBe(200);
    expect(await triggers(flowId)).toHaveLength(1);
  });

  it("resumes on the active version, not on unpublished draft changes", async () => {
    const { flowId, versionId, draftRevision } = await createPublishedFlow({ workspaceId: owner.workspace.id, userId: marketer.id, keyword: "price" });
    await pause(flowId);
    await save(flowId, keywordFlowDraft({ keyword: "draft-only" }), draftRevision);
    await resume(flowId);
    expect(await triggers(flowId)).toEqual([expect.objectContaining({ versionId, block: expect.objectContaining({ data: { match: "contains", keywords: ["price"] } }) })]);
  });

  it("answers 409 for a flow that was never published, 403 for agents, 404 for unknown flows", async () => {
    const flow = await newFlow();
    const body = await readJson(await pause(flow.id));
    expect(body.error).toMatchObject({ code: "conflict", message: expect.stringContaining("never been published") });
    expect((await resume(flow.id)).status).toBe(409);
    const { flowId } = await createPublishedFlow({ workspaceId: owner.workspace.id, userId: marketer.id });
    expect((await pause(flowId, agent)).status).toBe(403);
    expect(await flowState(flowId)).toMatchObject({ status: "active" });
    expect((await resume("no-such-flow")).status).toBe(404);
  });
});

describe("version history and restore", () => {
  it("lists versions newest first with who published them and which one is active", async () => {
    const { flowId, versionId: v1, draftRevision } = await createPublishedFlow({ workspaceId: owner.workspace.id, userId: marketer.id });
    const revision = await save(flowId, keywordFlowDraft({ keyword: "second" }), draftRevision);
    const v2 = (await readJson(await publish(flowId, revision, owner.user))).version;
    const res = await versions(flowId);
    expect(res.status).toBe(200);
    expect((await readJson(res)).versions).toEqual([
      { id: v2.id, version: 2, publishedAt: expect.any(String), publishedBy: { id: owner.user.id, name: owner.user.name }, isActive: true },
      { id: v1, version: 1, publishedAt: expect.any(String), publishedBy: { id: marketer.id, name: marketer.name }, isActive: false },
    ]);
  });

  it("shows one version's frozen definition; unknown versions are 404, malformed ones 422", async () => {
    const { flowId, versionId } = await createPublishedFlow({ workspaceId: owner.workspace.id, userId: null, keyword: "frozen" });
    const res = await version(flowId, "1");
    expect(res.status).toBe(200);
    const body = (await readJson(res)).version;
    expect(body).toMatchObject({ id: versionId, version: 1, publishedBy: null, isActive: true });
    expect(body.definition.blocks[0]).toMatchObject({ id: "t", data: { keywords: ["frozen"] } });
    expect((await readJson(await version(flowId, "7"))).error.message).toBe("This flow has no version 7");
    expect((await version(flowId, "1.5")).status).toBe(422);
    expect((await version(flowId, "abc")).status).toBe(422);
    expect((await version("no-such-flow", "1")).status).toBe(404);
  });

  it("restores a version as the draft (new revision), leaving what runs unchanged", async () => {
    const { flowId, versionId, draftRevision } = await createPublishedFlow({ workspaceId: owner.workspace.id, userId: marketer.id, keyword: "original" });
    const edited = await save(flowId, keywordFlowDraft({ keyword: "edited" }), draftRevision);

    const stale = await restore(flowId, "1", edited - 1);
    expect(stale.status).toBe(409);

    const res = await restore(flowId, "1", edited);
    expect(res.status).toBe(200);
    expect((await readJson(res)).flow).toMatchObject({ draftRevision: edited + 1, activeVersion: { id: versionId } });
    const stored = await prisma.flow.findUniqueOrThrow({ where: { id: flowId }, select: { draft: true, activeVersionId: true } });
    expect(stored.activeVersionId).toBe(versionId);
    expect(stored.draft).toMatchObject({ blocks: [{ id: "t", data: { keywords: ["original"] } }, { id: "m" }] });

    expect((await restore(flowId, "9", edited + 1)).status).toBe(404);
    expect((await restore(flowId, "1", "latest")).status).toBe(422);
    expect((await restore(flowId, "1", edited + 1, agent)).status).toBe(403);
  });
});

describe("analytics", () => {
  it("reports runs, completions, entries and drop-off per block of the active version", async () => {
    const flow = await newFlow();
    const draft = keywordFlowDraft();
    draft.blocks.push({ id: "q", type: "ask_question", position: { x: 0, y: 300 }, data: { prompt: "Email?", validation: { kind: "email" } } });
    draft.blocks.push({ id: "end", type: "end", position: { x: 0, y: 450 }, data: {} });
    draft.edges.push({ id: "e2", source: "m", target: "q" }, { id: "e3", source: "q", target: "end" });
    const published = (await readJson(await publish(flow.id, await save(flow.id, draft, 0)))).version;
    await prisma.flowBlockStat.createMany({
      data: [
        { versionId: published.id, blockId: "t", entered: 10 },
        { versionId: published.id, blockId: "m", entered: 10 },
        { versionId: published.id, blockId: "q", entered: 10 },
        { versionId: published.id, blockId: "end", entered: 4 },
        { versionId: published.id, blockId: "__completed", entered: 4 },
      ],
    });

    const res = await analytics(flow.id);
    expect(res.status).toBe(200);
    const { analytics: body } = await readJson(res);
    expect(body).toEqual({
      version: { id: published.id, version: 1, publishedAt: expect.any(String) },
      runs: 10,
      completions: 4,
      blocks: [
        { blockId: "t", entered: 10, continued: 10, dropOff: 0, dropOffRate: 0 },
        { blockId: "m", entered: 10, continued: 10, dropOff: 0, dropOffRate: 0 },
        { blockId: "q", entered: 10, continued: 4, dropOff: 6, dropOffRate: 0.6 },
        { blockId: "end", entered: 4, continued: null, dropOff: null, dropOffRate: null },
      ],
    });

    const listed = (await readJson(await call(flowsRoute.GET, "/api/flows", as(agent)))).flows.find((item: { id: string }) => item.id === flow.id);
    expect(listed).toMatchObject({ runs: 10, completions: 4 });

    expect((await analytics(flow.id, `?versionId=${published.id}`)).status).toBe(200);
  });

  it("answers zeros for a flow never published, 404 for a version of another flow", async () => {
    const flow = await newFlow();
    expect((await readJson(await analytics(flow.id))).analytics).toEqual({ version: null, runs: 0, completions: 0, blocks: [] });
    const other = await createPublishedFlow({ workspaceId: owner.workspace.id, userId: null });
    const res = await analytics(flow.id, `?versionId=${other.versionId}`);
    expect(res.status).toBe(404);
    expect((await analytics("no-such-flow")).status).toBe(404);
  });
});
