// Tenant isolation cases for the /api/automation routes (tests/integration/tenant-isolation.test.ts):
// workspace A's owner session and admin API key against B's activity log, credit ledger and
// automation settings. B's rows carry marker strings that must never appear in A's answers (B's
// Workspace row itself is left alone: the suite compares it before and after every case).
import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import { prisma } from "@/lib/db/client";
import { call, type RouteHandler, type SessionSubject } from "../helpers/http";

type IsolationWorld = { a: { user: SessionSubject; workspace: { id: string; slug: string } }; aKey: string; b: { workspace: { id: string; slug: string } } };
type IsolationCase = (ctx: { world: IsolationWorld; handler: RouteHandler }) => Promise<void>;

const B_SECRETS = { reason: "b-secret-automation-reason", refKey: "b-secret-ledger-ref" };
const seeded = new Set<string>();

/** B's activity entry and ledger row, written once per workspace. */
async function seedB(workspaceId: string) {
  if (seeded.has(workspaceId)) return;
  seeded.add(workspaceId);
  const logId = randomUUID();
  await prisma.automationLog.create({ data: { id: logId, workspaceId, kind: "flow_started", result: "skipped", reason: B_SECRETS.reason } });
  await prisma.creditLedger.create({ data: { workspaceId, delta: -1, balanceAfter: 999, reason: "automated_dm", refKey: B_SECRETS.refKey } });
}

async function expectRefused(res: Response, status: number) {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  for (const secret of Object.values(B_SECRETS)) expect(text).not.toContain(secret);
}

/**
 * GET /api/automation/{activity,credits,settings}: B's slug is closed to A (403); A's own answer,
 * by session or API key, holds nothing of B — also with a cursor made from B's newest entry.
 */
export function automationReadIsolationCase({ path }: { path: string }): IsolationCase {
  return async ({ world, handler }) => {
    await seedB(world.b.workspace.id);
    await expectRefused(await call(handler, path, { as: world.a.user, headers: { "x-workspace": world.b.workspace.slug } }), 403);
    await expectRefused(await call(handler, path, { apiKey: world.aKey, headers: { "x-workspace": world.b.workspace.slug } }), 403);
    await expectRefused(await call(handler, path, { as: world.a.user, headers: { "x-workspace": world.a.workspace.slug } }), 200);
    await expectRefused(await call(handler, path, { apiKey: world.aKey }), 200);
    if (path.endsWith("/settings")) {
      const own = await call(handler, path, { as: world.a.user, headers: { "x-workspace": world.a.workspace.slug } });
      expect(await own.json()).toEqual({ settings: { autoReply: true, welcomeMessage: null, businessHours: null, awayMessage: null, fallbackFlowId: null } });
    }
    if (path.endsWith("/activity")) {
      const newest = await prisma.automationLog.findFirstOrThrow({ where: { workspaceId: world.b.workspace.id }, orderBy: { createdAt: "desc" } });
      const cursor = Buffer.from(JSON.stringify([new Date(newest.createdAt.getTime() + 1).toISOString(), "zzzz"])).toString("base64url");
      await expectRefused(await call(handler, `${path}?cursor=${cursor}`, { as: world.a.user, headers: { "x-workspace": world.a.workspace.slug } }), 200);
    }
  };
}

/** PATCH /api/automation/settings: refused on B's slug; on A's own, B's flow is no valid fallback. */
export function automationSettingsPatchIsolationCase(): IsolationCase {
  return async ({ world, handler }) => {
    await seedB(world.b.workspace.id);
    const json = { welcomeMessage: "Planted by A" };
    await expectRefused(await call(handler, "/api/automation/settings", { method: "PATCH", as: world.a.user, json, headers: { "x-workspace": world.b.workspace.slug } }), 403);
    await expectRefused(await call(handler, "/api/automation/settings", { method: "PATCH", apiKey: world.aKey, json, headers: { "x-workspace": world.b.workspace.slug } }), 403);
    const bFlow = await prisma.flow.create({ data: { workspaceId: world.b.workspace.id, name: "B flow", draft: {} }, select: { id: true } });
    try {
      const own = { fallbackFlowId: bFlow.id };
      await expectRefused(await call(handler, "/api/automation/settings", { method: "PATCH", as: world.a.user, json: own, headers: { "x-workspace": world.a.workspace.slug } }), 422);
    } finally {
      await prisma.flow.delete({ where: { id: bFlow.id } });
    }
  };
}
