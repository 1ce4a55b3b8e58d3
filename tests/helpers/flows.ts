// Flow definitions and published flows for the flows API tests, built through lib/flows/manage.
import { expect } from "vitest";
import { prisma } from "@/lib/db/client";
import type { FlowDraft } from "@/lib/flows/definition/flow-definition-schema";
import { createFlow } from "@/lib/flows/manage/create-flow";
import { publishFlow } from "@/lib/flows/manage/publish-flow";
import { updateFlow } from "@/lib/flows/manage/update-flow";
import { call, type RouteHandler, type SessionSubject } from "./http";

export type KeywordFlowOptions = { keyword?: string; text?: string };

/** A valid two-block flow: keyword trigger "t" → send message "m". */
export function keywordFlowDraft({ keyword = "price", text = "It costs $10" }: KeywordFlowOptions = {}): FlowDraft {
  return {
    schemaVersion: 1,
    settings: { interruptible: true },
    blocks: [
      { id: "t", type: "keyword", position: { x: 0, y: 0 }, data: { match: "contains", keywords: [keyword] } },
      { id: "m", type: "send_message", position: { x: 0, y: 160 }, label: "Answer", data: { kind: "text", text } },
    ],
    edges: [{ id: "e1", source: "t", target: "m" }],
  };
}

export type CreatePublishedFlowOptions = KeywordFlowOptions & { workspaceId: string; userId: string | null; name?: string };

/** Creates a flow, saves a valid keyword draft and publishes it as version 1. */
export async function createPublishedFlow({ workspaceId, userId, name = "Price flow", ...draftOptions }: CreatePublishedFlowOptions) {
  const flow = await createFlow({ workspaceId, userId, input: { name } });
  const saved = await updateFlow({ workspaceId, id: flow.id, userId, input: { draft: keywordFlowDraft(draftOptions), baseRevision: flow.draftRevision } });
  const published = await publishFlow({ workspaceId, id: flow.id, userId, baseRevision: saved.draftRevision });
  if (!published.ok) throw new Error(`test flow did not publish: ${JSON.stringify(published.issues)}`);
  return { flowId: flow.id, versionId: published.version.id, draftRevision: saved.draftRevision };
}

// ---------------------------------------------------------------------------------------------
// Tenant isolation (tests/integration/tenant-isolation.test.ts): workspace A's owner session and
// admin API key against workspace B's published flow, through every /api/flows route.

type IsolationWorld = { a: { user: SessionSubject; workspace: { slug: string } }; aKey: string; b: { user: { id: string }; workspace: { id: string; slug: string } } };
type IsolationCase = (ctx: { world: IsolationWorld; handler: RouteHandler }) => Promise<void>;

const B_SECRETS = { name: "B secret flow", keyword: "bsecretkeyword", text: "B secret answer" };
const bFlows = new Map<string, ReturnType<typeof createPublishedFlow>>();

/** B's published flow, created once per workspace on first use. */
function bFlowOnce(b: IsolationWorld["b"]) {
  let flow = bFlows.get(b.workspace.id);
  if (!flow) {
    flow = createPublishedFlow({ workspaceId: b.workspace.id, userId: b.user.id, name: B_SECRETS.name, keyword: B_SECRETS.keyword, text: B_SECRETS.text });
    bFlows.set(b.workspace.id, flow);
  }
  return flow;
}

/** Everything stored about a workspace's flows, to assert a refused request changed nothing. */
async function snapshotFlows(workspaceId: string) {
  const byId = { orderBy: { id: "asc" as const } };
  const [flows, versions, triggers, stats] = await Promise.all([
    prisma.flow.findMany({ where: { workspaceId }, ...byId }),
    prisma.flowVersion.findMany({ where: { workspaceId }, ...byId }),
    prisma.flowTrigger.findMany({ where: { workspaceId }, ...byId }),
    prisma.flowBlockStat.findMany({ where: { version: { workspaceId } }, orderBy: [{ versionId: "asc" }, { blockId: "asc" }, { slot: "asc" }] }),
  ]);
  return { flows, versions, triggers, stats };
}

async function expectRefused(res: Response, status: number, secrets: string[]) {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  for (const secret of secrets) expect(text).not.toContain(secret);
}

export type FlowIsolationCaseOptions = {
  method?: string;
  /** After /api/flows/<B's flow id>: "", "/publish", "/versions/1", … */
  suffix: string;
  json?: unknown;
};

/**
 * A call on B's flow: with B's slug A is no member (403); under A's own workspace, by session
 * or API key, B's flow does not exist (404). Nothing of B's flows changes or leaks.
 */
export function flowIsolationCase({ method = "GET", suffix, json }: FlowIsolationCaseOptions): IsolationCase {
  return async ({ world, handler }) => {
    const flow = await bFlowOnce(world.b);
    const before = await snapshotFlows(world.b.workspace.id);
    const secrets = [flow.flowId, flow.versionId, ...Object.values(B_SECRETS)];
    const path = `/api/flows/${flow.flowId}${suffix}`;
    const params = { id: flow.flowId, ...(suffix.startsWith("/versions/1") ? { version: "1" } : {}) };
    const body = json === undefined ? {} : { json };
    await expectRefused(await call(handler, path, { method, as: world.a.user, headers: { "x-workspace": world.b.workspace.slug }, params, ...body }), 403, secrets);
    await expectRefused(await call(handler, path, { method, as: world.a.user, headers: { "x-workspace": world.a.workspace.slug }, params, ...body }), 404, secrets);
    await expectRefused(await call(handler, path, { method, apiKey: world.aKey, params, ...body }), 404, secrets);
    expect(await snapshotFlows(world.b.workspace.id)).toEqual(before);
  };
}

/** GET /api/flows and POST /api/flows: B's list is closed to A, and A's own list never shows B's flow. */
export function flowListIsolationCase({ method }: { method: "GET" | "POST" }): IsolationCase {
  return async ({ world, handler }) => {
    const flow = await bFlowOnce(world.b);
    const before = await snapshotFlows(world.b.workspace.id);
    const secrets = [flow.flowId, flow.versionId, ...Object.values(B_SECRETS)];
    const json = method === "POST" ? { json: { name: "Planted by A" } } : {};
    await expectRefused(await call(handler, "/api/flows", { method, as: world.a.user, headers: { "x-workspace": world.b.workspace.slug }, ...json }), 403, secrets);
    await expectRefused(await call(handler, "/api/flows", { method, apiKey: world.aKey, headers: { "x-workspace": world.b.workspace.slug }, ...json }), 403, secrets);
    if (method === "GET") {
      await expectRefused(await call(handler, "/api/flows", { as: world.a.user, headers: { "x-workspace": world.a.workspace.slug } }), 200, secrets);
      await expectRefused(await call(handler, "/api/flows", { apiKey: world.aKey }), 200, secrets);
    }
    expect(await snapshotFlows(world.b.workspace.id)).toEqual(before);
  };
}
