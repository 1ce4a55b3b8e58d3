// The builder's preview chat (issue 6 §7): the draft runs on the real engine against the user's
// Sandbox preview contact — start, answers with validation and re-asks, tags and attributes,
// conditions, delays (skip), choices, HTTP blocks, handoff, restart — without publishing, without
// credits, messages, jobs or analytics, for the roles that build flows only.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "@/lib/auth/api-keys";
import { prisma } from "@/lib/db/client";
import { getPgPool } from "@/lib/db/pg";
import type { FlowDraft } from "@/lib/flows/definition/flow-definition-schema";
import { createFlow } from "@/lib/flows/manage/create-flow";
import { updateFlow } from "@/lib/flows/manage/update-flow";
import * as previewRoute from "@/app/api/flows/[id]/preview/route";
import * as messagesRoute from "@/app/api/flows/[id]/preview/messages/route";
import { addMember, createAccount, type TestAccount, type TestUser } from "../helpers/factories";
import { currentJobSchema } from "../helpers/jobs";
import { call, readJson } from "../helpers/http";

let owner: TestAccount;
let marketer: TestUser;
let agent: TestUser;
let server: Server;
let serverUrl: string;

beforeAll(async () => {
  owner = await createAccount({ label: "preview" });
  marketer = (await addMember({ workspace: owner.workspace, invitedBy: owner.user, role: "marketer", label: "Mia Marketer" })).user;
  agent = (await addMember({ workspace: owner.workspace, invitedBy: owner.user, role: "agent" })).user;
  // The HTTP block's endpoint (private addresses are allowed outside production, as in tests).
  server = createServer((req, res) => {
    res.setHeader("content-type", "application/json");
    if (req.url?.startsWith("/fail")) {
      res.statusCode = 503;
      res.end(JSON.stringify({ error: "down" }));
      return;
    }
    res.end(JSON.stringify({ plan: "gold" }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const headers = () => ({ "x-workspace": owner.workspace.slug });

function surveyDraft(): FlowDraft {
  return {
    schemaVersion: 1,
    settings: { interruptible: true },
    blocks: [
      { id: "t", type: "keyword", position: { x: 0, y: 0 }, data: { match: "exact", keywords: ["never-typed"] } },
      { id: "hi", type: "send_message", position: { x: 0, y: 100 }, data: { kind: "text", text: "Hi {{contact.first_name}}!" } },
      {
        id: "email",
        type: "ask_question",
        position: { x: 0, y: 200 },
        data: { prompt: "Your email?", validation: { kind: "email" }, saveTo: "email", maxRetries: 1, retryPrompt: "That is not an email, try again", timeout: { amount: 1, unit: "hours" } },
      },
      { id: "vip", type: "tag", position: { x: 0, y: 300 }, data: { tags: ["vip"] } },
      { id: "check", type: "condition", position: { x: 0, y: 400 }, data: { match: "all", rules: [{ kind: "attribute", attribute: "email", operator: "contains", value: "@example.com" }] } },
      { id: "plan", type: "set_attribute", position: { x: 0, y: 500 }, data: { operation: "set", attribute: "plan", value: "pro" } },
      { id: "wait", type: "delay", position: { x: 0, y: 600 }, data: { duration: { amount: 2, unit: "hours" } } },
      {
        id: "size",
        type: "ask_question",
        position: { x: 0, y: 700 },
        data: { prompt: "Which size?", validation: { kind: "choice", replies: { style: "quick_replies", options: [{ id: "s", title: "Small" }, { id: "l", title: "Large" }] } } },
      },
      { id: "small", type: "send_message", position: { x: 0, y: 800 }, data: { kind: "text", text: "Small it is, {{attributes.plan}} member" } },
      { id: "human", type: "handoff", position: { x: 300, y: 800 }, data: { assigneeUserId: null, pauseBot: true, message: "A teammate will help you" } },
    ],
    edges: [
      { id: "e1", source: "t", target: "hi" },
      { id: "e2", source: "hi", target: "email" },
      { id: "e3", source: "email", target: "vip" },
      { id: "e4", source: "vip", target: "check" },
      { id: "e5", source: "check", sourceHandle: "true", target: "plan" },
      { id: "e6", source: "plan", target: "wait" },
      { id: "e7", source: "wait", target: "size" },
      { id: "e8", source: "size", sourceHandle: "option:s", target: "small" },
      { id: "e9", source: "size", sourceHandle: "option:l", target: "human" },
    ],
  };
}

function httpDraft(path: string): FlowDraft {
  return {
    schemaVersion: 1,
    settings: { interruptible: true },
    blocks: [
      { id: "t", type: "keyword", position: { x: 0, y: 0 }, data: { match: "contains", keywords: ["api"] } },
      { id: "call", type: "http_request", position: { x: 0, y: 100 }, data: { method: "GET", url: `${serverUrl}${path}`, saveResponse: [{ path: "plan", attribute: "plan" }] } },
      { id: "ok", type: "send_message", position: { x: 0, y: 200 }, data: { kind: "text", text: "Your plan: {{attributes.plan}}" } },
      { id: "ko", type: "send_message", position: { x: 300, y: 200 }, data: { kind: "text", text: "The service is down" } },
    ],
    edges: [
      { id: "e1", source: "t", target: "call" },
      { id: "e2", source: "call", sourceHandle: "success", target: "ok" },
      { id: "e3", source: "call", sourceHandle: "error", target: "ko" },
    ],
  };
}

async function newFlow(draft: FlowDraft, name = "Survey") {
  const flow = await createFlow({ workspaceId: owner.workspace.id, userId: marketer.id, input: { name } });
  const saved = await updateFlow({ workspaceId: owner.workspace.id, id: flow.id, userId: marketer.id, input: { draft, baseRevision: flow.draftRevision } });
  return saved.id;
}

function start(id: string, as: TestUser = marketer, json: unknown = { action: "start" }) {
  return call(previewRoute.POST, `/api/flows/${id}/preview`, { method: "POST", as, json, headers: headers(), params: { id } });
}
function getPreview(id: string, as: TestUser = marketer) {
  return call(previewRoute.GET, `/api/flows/${id}/preview`, { as, headers: headers(), params: { id } });
}
function say(id: string, json: unknown, as: TestUser = marketer) {
  return call(messagesRoute.POST, `/api/flows/${id}/preview/messages`, { method: "POST", as, json, headers: headers(), params: { id } });
}

type Entry = { kind: string; text?: string; message?: { type: string; text?: string; options?: { id: string; title: string }[] } };

async function previewOf(res: Response, status = 200) {
  const body = await readJson(res);
  expect(res.status, JSON.stringify(body)).toBe(status);
  return body.preview as { status: string; waiting: { kind: string } | null; transcript: Entry[]; contact: { id: string; name: string; tags: string[]; attributes: Record<string, unknown> } };
}

/** The transcript as short lines: "bot: …", "me: …", "sys: …". */
function lines(transcript: Entry[]) {
  return transcript.map((entry) => (entry.kind === "bot" ? `bot: ${entry.message?.text}` : entry.kind === "customer" ? `me: ${entry.text}` : `sys: ${entry.text}`));
}

/** What a preview must never touch: credits, messages, jobs, versions, sessions, analytics, the activity log. */
async function sideEffects() {
  const workspaceId = owner.workspace.id;
  // pg-boss creates its schema on first start: none yet means no job at all.
  const table = `${currentJobSchema()}.job`;
  const exists = (await getPgPool().query<{ name: string | null }>(`SELECT to_regclass($1)::text AS name`, [table])).rows[0]?.name;
  const jobs = exists ? await getPgPool().query<{ count: string }>(`SELECT count(*) FROM ${table} WHERE data->>'workspaceId' = $1`, [workspaceId]) : { rows: [{ count: "0" }] };
  return {
    credits: (await prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId }, select: { credits: true } })).credits,
    ledger: await prisma.creditLedger.count({ where: { workspaceId } }),
    messages: await prisma.message.count({ where: { workspaceId } }),
    conversations: await prisma.conversation.count({ where: { workspaceId } }),
    versions: await prisma.flowVersion.count({ where: { workspaceId } }),
    sessions: await prisma.flowSession.count({ where: { workspaceId } }),
    stats: await prisma.flowBlockStat.count({ where: { version: { workspaceId } } }),
    logs: await prisma.automationLog.count({ where: { workspaceId } }),
    jobs: Number(jobs.rows[0]?.count ?? 0),
  };
}

describe("previewing a draft", () => {
  it("starts at the trigger block whatever its keyword, asks, re-asks an invalid answer, tags, branches, skips the delay and follows a tapped quick reply", async () => {
    const id = await newFlow(surveyDraft());
    const before = await sideEffects();

    let preview = await previewOf(await start(id), 201);
    expect(lines(preview.transcript)).toEqual(["sys: Preview started on the draft (the trigger is skipped)", "bot: Hi Mia!", "bot: Your email?", expect.stringMatching(/^sys: The question times out at/)]);
    expect(preview).toMatchObject({ status: "running", waiting: { kind: "reply" } });
    expect(preview.contact.name).toBe(`Preview — ${marketer.name}`);

    preview = await previewOf(await say(id, { text: "not an email" }));
    expect(lines(preview.transcript).slice(-2)).toEqual(["me: not an email", "bot: That is not an email, try again"]);

    preview = await previewOf(await say(id, { text: "mia@example.com" }));
    expect(lines(preview.transcript).slice(-5)).toEqual([
      "me: mia@example.com",
      "sys: Attribute email set to \"mia@example.com\"",
      "sys: Tag vip added",
      "sys: Attribute plan set to \"pro\"",
      expect.stringMatching(/^sys: Waiting until .* \(in preview: at most 5 s, or skip the wait\)$/),
    ]);
    expect(preview.waiting).toMatchObject({ kind: "delay" });
    // The tag and attributes are on the preview contact, a Sandbox contact of this workspace.
    const contact = await prisma.contact.findUniqueOrThrow({ where: { id: preview.contact.id }, include: { channel: { select: { type: true, workspaceId: true } } } });
    expect(contact).toMatchObject({ tags: ["vip"], attributes: { email: "mia@example.com", plan: "pro" }, channel: { type: "sandbox", workspaceId: owner.workspace.id } });

    // A message during the delay is no answer.
    preview = await previewOf(await say(id, { text: "hello?" }));
    expect(lines(preview.transcript).slice(-1)).toEqual(["sys: Not an answer: the flow waits for the delay to end"]);

    preview = await previewOf(await start(id, marketer, { action: "skip_wait" }));
    const question = preview.transcript.at(-1);
    expect(question).toMatchObject({ kind: "bot", message: { type: "quick_replies", text: "Which size?", options: [{ id: "s", title: "Small" }, { id: "l", title: "Large" }] } });

    preview = await previewOf(await say(id, { payload: "s", title: "Small" }));
    expect(lines(preview.transcript).slice(-3)).toEqual(["me: Small", "bot: Small it is, pro member", "sys: Flow ended"]);
    expect(preview).toMatchObject({ status: "ended", waiting: null });

    preview = await previewOf(await say(id, { text: "again" }));
    expect(lines(preview.transcript).slice(-1)).toEqual(["sys: The flow has ended: restart the preview to run it again"]);

    // Nothing was published, charged, sent, scheduled or counted.
    expect(await sideEffects()).toEqual(before);
    expect(await prisma.flow.findUniqueOrThrow({ where: { id }, select: { status: true, activeVersionId: true } })).toEqual({ status: "draft", activeVersionId: null });
  });

  it("ends the run after too many invalid answers, hands off, and restarts from scratch with the contact's tags and attributes cleared", async () => {
    const id = await newFlow(surveyDraft());
    await previewOf(await start(id), 201);
    await say(id, { text: "one" });
    let preview = await previewOf(await say(id, { text: "two" }));
    expect(lines(preview.transcript).slice(-1)).toEqual(["sys: Flow ended: the answers were not valid"]);

    preview = await previewOf(await start(id), 201);
    await say(id, { text: "ann@example.com" });
    await start(id, marketer, { action: "skip_wait" });
    preview = await previewOf(await say(id, { text: "2" }));
    expect(lines(preview.transcript).slice(-3)).toEqual([
      "bot: A teammate will help you",
      "sys: Handed off to a human · bot paused (preview: no conversation is changed)",
      "sys: Flow ended: handed off to a human",
    ]);
    expect(preview.contact.tags).toEqual(["vip"]);

    // STOP ends the run with the opt-out confirmation, as the runner honours it before anything else.
    await previewOf(await start(id), 201);
    preview = await previewOf(await say(id, { text: "STOP" }));
    expect(lines(preview.transcript).slice(-4)).toEqual([
      "me: STOP",
      "sys: Flow ended: the contact opted out",
      expect.stringMatching(/^bot: You have been unsubscribed/),
      "sys: Opted out: a real contact would get no more automated messages (the preview contact stays subscribed)",
    ]);
    expect(preview.status).toBe("ended");

    preview = await previewOf(await start(id), 201);
    expect(lines(preview.transcript)[0]).toBe("sys: Preview started on the draft (the trigger is skipped)");
    expect(preview.transcript.some((entry) => entry.text === "ann@example.com")).toBe(false);
    expect(preview.contact).toMatchObject({ tags: [], attributes: {} });
    expect(await prisma.contact.findUniqueOrThrow({ where: { id: preview.contact.id }, select: { tags: true, attributes: true } })).toEqual({ tags: [], attributes: {} });
  });

  it("times a question out on request and runs HTTP blocks against the URL, success and error paths", async () => {
    const survey = await newFlow(surveyDraft());
    await previewOf(await start(survey), 201);
    const timedOut = await previewOf(await start(survey, marketer, { action: "skip_wait" }));
    expect(lines(timedOut.transcript).slice(-2)).toEqual(["sys: Question timed out (simulated)", "sys: Flow ended: no answer in time"]);
    expect((await readJson(await start(survey, marketer, { action: "skip_wait" }))).error.message).toMatch(/not waiting/);

    const ok = await newFlow(httpDraft("/plan"), "Plan lookup");
    let preview = await previewOf(await start(ok), 201);
    expect(lines(preview.transcript).slice(1)).toEqual([expect.stringMatching(/^sys: HTTP GET 127\.0\.0\.1:\d+…$/), "sys: HTTP 200", "sys: Attribute plan set to \"gold\"", "bot: Your plan: gold", "sys: Flow ended"]);

    const failing = await newFlow(httpDraft("/fail"), "Plan lookup down");
    preview = await previewOf(await start(failing), 201);
    expect(lines(preview.transcript).slice(-3)).toEqual(["sys: HTTP 503", "bot: The service is down", "sys: Flow ended"]);
  });

  it("fires a delay by itself a few seconds in, when the panel polls", async () => {
    const id = await newFlow(surveyDraft());
    await previewOf(await start(id), 201);
    await say(id, { text: "poll@example.com" });
    let preview = await previewOf(await getPreview(id));
    expect(preview.waiting).toMatchObject({ kind: "delay" });
    // Due in the preview: make it so without waiting 5 s.
    await prisma.flowPreview.updateMany({ where: { flowId: id }, data: { delayDueAt: new Date(Date.now() - 1000) } });
    preview = await previewOf(await getPreview(id));
    expect(preview.transcript.at(-1)).toMatchObject({ kind: "bot", message: { text: "Which size?" } });
  });
});

describe("what the preview refuses", () => {
  it("does not run a draft with errors and names the blocks to fix", async () => {
    const draft = surveyDraft();
    draft.blocks = draft.blocks.map((block) => (block.id === "hi" ? { ...block, data: { kind: "text", text: "" } } : block));
    const id = await newFlow(draft);
    const res = await start(id);
    const body = await readJson(res);
    expect(res.status).toBe(422);
    expect(body.error.message).toMatch(/1 problem to fix before it can be previewed/);
    expect(body.issues.filter((issue: { severity: string }) => issue.severity === "error")).toEqual([expect.objectContaining({ blockId: "hi", message: expect.stringMatching(/empty/i) })]);
    expect(await prisma.flowPreview.count({ where: { flowId: id } })).toBe(0);
    expect((await readJson(await getPreview(id))).preview).toBeNull();
  });

  it("answers 4xx JSON to bad input and to messages before a start", async () => {
    const id = await newFlow(surveyDraft());
    expect((await readJson(await say(id, { text: "hi" }))).error.message).toMatch(/start one first/);
    expect((await say(id, { text: "hi" })).status).toBe(404);
    await previewOf(await start(id), 201);
    for (const json of [{}, { text: "" }, { text: 5 }, { payload: "s" }, { text: "a", extra: true }]) {
      const res = await say(id, json);
      expect(res.status, JSON.stringify(json)).toBe(422);
      expect((await readJson(res)).error.message).toBeTruthy();
    }
    expect((await start(id, marketer, { action: "publish" })).status).toBe(422);
    const notJson = await call(messagesRoute.POST, `/api/flows/${id}/preview/messages`, { method: "POST", as: marketer, body: "hi", headers: { ...headers(), "content-type": "text/plain" }, params: { id } });
    expect(notJson.status).toBe(415);
    expect((await start("nope")).status).toBe(404);
  });

  it("is for owners, admins and marketers signed in: agents and API keys get 403", async () => {
    const id = await newFlow(surveyDraft());
    expect((await start(id, agent)).status).toBe(403);
    expect((await getPreview(id, agent)).status).toBe(403);
    expect((await say(id, { text: "hi" }, agent)).status).toBe(403);
    const { key } = await createApiKey({ workspaceId: owner.workspace.id, name: "preview", role: "admin", createdById: owner.user.id });
    const byKey = await call(previewRoute.POST, `/api/flows/${id}/preview`, { method: "POST", apiKey: key, json: { action: "start" }, params: { id } });
    expect(byKey.status).toBe(403);
    expect(await prisma.flowPreview.count({ where: { flowId: id } })).toBe(0);
    // Each user has their own preview and preview contact.
    const mine = await previewOf(await start(id, marketer), 201);
    const theirs = await previewOf(await start(id, owner.user), 201);
    expect(mine.contact.id).not.toBe(theirs.contact.id);
    expect(await prisma.flowPreview.count({ where: { flowId: id } })).toBe(2);
  });
});
