// Tenant isolation cases for the preview chat routes (tests/integration/tenant-isolation.test.ts):
// workspace A's owner session and admin API key against B's flow, whose owner has a preview
// running. A gets 403 under B's slug, 404 under its own (B's flow does not exist there), 403 with
// an API key (the preview is session-only); B's preview and preview contact stay as they were.
import { expect } from "vitest";
import { prisma } from "@/lib/db/client";
import { createFlow } from "@/lib/flows/manage/create-flow";
import { toStoredJson } from "@/lib/flows/manage/stored-json";
import { updateFlow } from "@/lib/flows/manage/update-flow";
import { keywordFlowDraft } from "../helpers/flows";
import { call, type RouteHandler, type SessionSubject } from "../helpers/http";

type IsolationWorld = { a: { user: SessionSubject; workspace: { slug: string } }; aKey: string; b: { user: { id: string }; workspace: { id: string; slug: string } }; bConversationId: string };
type IsolationCase = (ctx: { world: IsolationWorld; handler: RouteHandler }) => Promise<void>;

const B_SECRETS = { name: "B secret preview flow", text: "B secret preview answer" };
const bFlows = new Map<string, Promise<string>>();

/**
 * B's flow with a preview of B's owner, once per workspace. Written directly, on the contact of
 * B's existing conversation: the suite compares B's contacts before and after each case, so the
 * case must not create B's preview contact itself.
 */
function bPreviewOnce(world: IsolationWorld): Promise<string> {
  const { b } = world;
  let flow = bFlows.get(b.workspace.id);
  if (!flow) {
    flow = (async () => {
      const created = await createFlow({ workspaceId: b.workspace.id, userId: b.user.id, input: { name: B_SECRETS.name } });
      const draft = keywordFlowDraft({ text: B_SECRETS.text });
      await updateFlow({ workspaceId: b.workspace.id, id: created.id, userId: b.user.id, input: { draft, baseRevision: created.draftRevision } });
      const { contactId } = await prisma.conversation.findUniqueOrThrow({ where: { id: world.bConversationId }, select: { contactId: true } });
      const transcript = [{ id: "b1", at: new Date().toISOString(), kind: "bot", blockId: "m", message: { type: "text", text: B_SECRETS.text } }];
      await prisma.flowPreview.create({ data: { workspaceId: b.workspace.id, flowId: created.id, userId: b.user.id, contactId, definition: toStoredJson(draft), draftRevision: 1, transcript } });
      return created.id;
    })();
    bFlows.set(b.workspace.id, flow);
  }
  return flow;
}

async function snapshotPreviews(workspaceId: string) {
  const previews = await prisma.flowPreview.findMany({ where: { workspaceId }, orderBy: { id: "asc" } });
  const contacts = await prisma.contact.findMany({ where: { id: { in: previews.map((preview) => preview.contactId) } }, orderBy: { id: "asc" } });
  return { previews, contacts };
}

async function expectRefused(res: Response, status: number, secrets: string[]) {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  for (const secret of secrets) expect(text).not.toContain(secret);
}

export type FlowPreviewIsolationCaseOptions = { method: "GET" | "POST"; suffix: "" | "/messages"; json?: unknown };

export function flowPreviewIsolationCase({ method, suffix, json }: FlowPreviewIsolationCaseOptions): IsolationCase {
  return async ({ world, handler }) => {
    const flowId = await bPreviewOnce(world);
    const before = await snapshotPreviews(world.b.workspace.id);
    const secrets = [flowId, ...Object.values(B_SECRETS), ...before.previews.map((preview) => preview.id)];
    const path = `/api/flows/${flowId}/preview${suffix}`;
    const params = { id: flowId };
    const body = json === undefined ? {} : { json };
    await expectRefused(await call(handler, path, { method, as: world.a.user, headers: { "x-workspace": world.b.workspace.slug }, params, ...body }), 403, secrets);
    await expectRefused(await call(handler, path, { method, as: world.a.user, headers: { "x-workspace": world.a.workspace.slug }, params, ...body }), 404, secrets);
    await expectRefused(await call(handler, path, { method, apiKey: world.aKey, params, ...body }), 403, secrets);
    expect(await snapshotPreviews(world.b.workspace.id)).toEqual(before);
  };
}
