// Tenant isolation cases for the campaign routes (tests/integration/tenant-isolation.test.ts):
// workspace A's owner session and admin API key against B's campaign and channel. A gets 403
// under B's slug and 404 (or a 422 on the channel field) under its own; B's campaign and its
// recipients stay exactly as they were, and nothing of B's appears in an answer.
import { expect } from "vitest";
import { prisma } from "@/lib/db/client";
import { call, type RouteHandler, type SessionSubject } from "../helpers/http";

type IsolationWorld = {
  a: { user: SessionSubject; workspace: { slug: string } };
  aKey: string;
  b: { user: { id: string }; workspace: { id: string; slug: string } };
  bWhatsAppChannelId: string;
};
type IsolationCase = (ctx: { world: IsolationWorld; handler: RouteHandler }) => Promise<void>;

const B_NAME = "B secret campaign";
const bCampaigns = new Map<string, Promise<string>>();

function bCampaignOnce(world: IsolationWorld): Promise<string> {
  let campaign = bCampaigns.get(world.b.workspace.id);
  if (!campaign) {
    campaign = prisma.campaign
      .create({
        data: {
          workspaceId: world.b.workspace.id,
          channelId: world.bWhatsAppChannelId,
          name: B_NAME,
          status: "paused",
          audience: { source: "channel" },
          content: { kind: "text", text: "B secret offer" },
          createdById: world.b.user.id,
        },
        select: { id: true },
      })
      .then((row) => row.id);
    bCampaigns.set(world.b.workspace.id, campaign);
  }
  return campaign;
}

const snapshot = (id: string) => prisma.campaign.findUnique({ where: { id }, include: { recipients: true } });

async function expectRefused(res: Response, status: number, secrets: string[]) {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  for (const secret of secrets) expect(text).not.toContain(secret);
}

export type CampaignIsolationCaseOptions = { method: "GET" | "POST" | "PATCH" | "DELETE"; suffix: string; json?: unknown };

/** A route under /api/campaigns/[id]: B's campaign is out of A's reach with a session or an API key. */
export function campaignIsolationCase({ method, suffix, json }: CampaignIsolationCaseOptions): IsolationCase {
  return async ({ world, handler }) => {
    const id = await bCampaignOnce(world);
    const before = await snapshot(id);
    const path = `/api/campaigns/${id}${suffix}`;
    const secrets = [B_NAME, "B secret offer", world.bWhatsAppChannelId];
    await expectRefused(await call(handler, path, { method, json, as: world.a.user, params: { id }, headers: { "x-workspace": world.b.workspace.slug } }), 403, secrets);
    await expectRefused(await call(handler, path, { method, json, apiKey: world.aKey, params: { id }, headers: { "x-workspace": world.b.workspace.slug } }), 403, secrets);
    await expectRefused(await call(handler, path, { method, json, as: world.a.user, params: { id }, headers: { "x-workspace": world.a.workspace.slug } }), 404, secrets);
    await expectRefused(await call(handler, path, { method, json, apiKey: world.aKey, params: { id } }), 404, secrets);
    expect(await snapshot(id)).toEqual(before);
  };
}

/** POST /api/campaigns and /estimate: B's channel is "no such channel" in A's workspace; B's workspace is refused. */
export function campaignChannelIsolationCase({ path }: { path: string }): IsolationCase {
  return async ({ world, handler }) => {
    const fields = { channelId: world.bWhatsAppChannelId, audience: { source: "channel" }, content: { kind: "text", text: "Planted by A" } };
    const json = path.endsWith("/estimate") ? fields : { name: "Planted by A", ...fields };
    await expectRefused(await call(handler, path, { method: "POST", json, as: world.a.user, headers: { "x-workspace": world.b.workspace.slug } }), 403, [world.bWhatsAppChannelId]);
    const res = await call(handler, path, { method: "POST", json, as: world.a.user, headers: { "x-workspace": world.a.workspace.slug } });
    const text = await res.text();
    expect(res.status, text).toBe(422);
    expect(JSON.parse(text).error.field).toBe("channelId");
    expect(await prisma.campaign.count({ where: { name: "Planted by A" } })).toBe(0);
  };
}

/** GET /api/campaigns: A's list never shows B's campaigns. */
export function campaignListIsolationCase(): IsolationCase {
  return async ({ world, handler }) => {
    await bCampaignOnce(world);
    await expectRefused(await call(handler, "/api/campaigns", { as: world.a.user, headers: { "x-workspace": world.b.workspace.slug } }), 403, [B_NAME]);
    await expectRefused(await call(handler, "/api/campaigns", { as: world.a.user, headers: { "x-workspace": world.a.workspace.slug } }), 200, [B_NAME]);
  };
}

/** POST /api/campaigns/recipients-csv holds no tenant data: B's workspace is refused to A. */
export function campaignCsvIsolationCase(): IsolationCase {
  return async ({ world, handler }) => {
    await expectRefused(
      await call(handler, "/api/campaigns/recipients-csv", { method: "POST", body: "+33612345678\n", as: world.a.user, headers: { "x-workspace": world.b.workspace.slug, "content-type": "text/csv" } }),
      403,
      [],
    );
  };
}

/** GET /api/workspaces/[slug]/campaigns/[id]/export: the workspace is the path's; B's campaign is out of A's reach either way. */
export function campaignDownloadIsolationCase(): IsolationCase {
  return async ({ world, handler }) => {
    const id = await bCampaignOnce(world);
    const secrets = [B_NAME, "B secret offer", world.bWhatsAppChannelId];
    const path = (slug: string) => `/api/workspaces/${slug}/campaigns/${id}/export`;
    const b = world.b.workspace.slug;
    const a = world.a.workspace.slug;
    await expectRefused(await call(handler, path(b), { as: world.a.user, params: { slug: b, id } }), 403, secrets);
    await expectRefused(await call(handler, path(b), { apiKey: world.aKey, params: { slug: b, id } }), 403, secrets);
    await expectRefused(await call(handler, path(a), { as: world.a.user, params: { slug: a, id }, headers: { "x-workspace": b } }), 404, secrets);
    await expectRefused(await call(handler, path(a), { apiKey: world.aKey, params: { slug: a, id } }), 404, secrets);
  };
}
