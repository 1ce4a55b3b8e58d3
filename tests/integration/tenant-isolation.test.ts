// A member of workspace A, with every privilege A can give (owner session, admin API key),
// must not read or change anything of workspace B through any route under app/api.
// The list of cases is checked against the route files on disk: a new route needs a case here.
import { beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "@/lib/auth/api-keys";
import { prisma } from "@/lib/db/client";
import { createInvitation } from "@/lib/workspaces/invitations";
import { addMember, createAccount, snapshotWorkspace, TEST_PASSWORD, uniqueEmail, uniqueSuffix, type TestAccount } from "../helpers/factories";
import { createTwilioChannel, createWhatsAppChannel } from "../helpers/channels";
import { flowIsolationCase, flowListIsolationCase, keywordFlowDraft } from "../helpers/flows";
import { automationReadIsolationCase, automationSettingsPatchIsolationCase } from "./automations-isolation";
import { flowPreviewIsolationCase } from "./flows-preview-isolation";
import { campaignChannelIsolationCase, campaignCsvIsolationCase, campaignDownloadIsolationCase, campaignIsolationCase, campaignListIsolationCase } from "./campaigns-isolation";
import { call, readJson, type RouteHandler } from "../helpers/http";
import { discoverEndpoints } from "../helpers/routes";

type World = {
  a: TestAccount;
  aKey: string;
  b: TestAccount;
  bMembershipId: string;
  bOwnerMembershipId: string;
  bInvitationId: string;
  bInvitationToken: string;
  bKeyId: string;
  bConversationId: string;
  bMessageId: string;
  bWebhookEventId: string;
  bSandboxChannelId: string;
  bWhatsAppChannelId: string;
  bTwilioChannelId: string;
};

type Case = (ctx: { world: World; handler: RouteHandler }) => Promise<void>;

async function expectStatus(res: Response, status: number, bText?: string[]) {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  for (const secret of bText ?? []) expect(text).not.toContain(secret);
}

function bSecrets(world: World) {
  return [
    world.b.workspace.id, world.b.workspace.name, world.b.user.email, world.bMembershipId, world.bInvitationId, world.bKeyId,
    world.bConversationId, world.bMessageId, world.bWebhookEventId, "B customer", "secret order 42",
    world.bSandboxChannelId, world.bWhatsAppChannelId, world.bTwilioChannelId,
  ];
}

/** Stored conversation data for B, written directly: these tests are about reads, not ingestion. */
async function createConversationData(workspaceId: string) {
  const channel = await prisma.channel.findFirstOrThrow({ where: { workspaceId, type: "sandbox" }, select: { id: true } });
  const contact = await prisma.contact.create({
    data: { workspaceId, channelId: channel.id, externalId: `sandbox-${uniqueSuffix()}`, displayName: "B customer", tags: ["b-secret-tag"] },
  });
  const conversation = await prisma.conversation.create({
    data: { workspaceId, channelId: channel.id, contactId: contact.id, lastMessageAt: new Date(), lastMessagePreview: "secret order 42" },
  });
  const message = await prisma.message.create({
    data: {
      workspaceId, conversationId: conversation.id, channelId: channel.id, direction: "inbound", contentType: "text",
      content: { text: "secret order 42" }, status: "received", senderType: "contact", externalId: `sandbox_in_${uniqueSuffix()}`,
    },
  });
  const event = await prisma.webhookEvent.create({
    data: {
      provider: "sandbox", workspaceId, channelId: channel.id, dedupeKey: `isolation-${uniqueSuffix()}`,
      body: JSON.stringify({ text: "secret order 42" }), contentType: "application/json", status: "failed", lastError: "boom",
    },
  });
  return { conversationId: conversation.id, messageId: message.id, webhookEventId: event.id };
}

/** One case per exported method of every route file. */
const cases: Record<string, Case | { skip: string }> = {
  "GET /api/auth/[...nextauth]": {
    skip: "next-auth's catch-all needs Next's request scope (next/headers); it serves sign-in only, no workspace data. authorize() is tested in sign-in.test.ts",
  },
  "POST /api/auth/[...nextauth]": { skip: "as GET /api/auth/[...nextauth]" },

  // Provider webhooks have no workspace caller: the channel id in the URL (or the account id in
  // the payload) picks the workspace, and only that channel's secret verifies the signature.
  "GET /api/webhooks/instagram": { skip: "provider webhook: no session or workspace caller (Meta verify-token check)" },
  "POST /api/webhooks/instagram": { skip: "provider webhook: routed by signed payload, no session or workspace caller" },
  "GET /api/webhooks/whatsapp/[channelId]": { skip: "provider webhook: no session or workspace caller (Meta verify-token check)" },
  "POST /api/webhooks/whatsapp/[channelId]": { skip: "provider webhook: verified with that channel's own app secret" },
  "POST /api/webhooks/twilio/[channelId]": { skip: "provider webhook: verified with that channel's own auth token" },
  "POST /api/webhooks/twilio/[channelId]/status": { skip: "provider webhook: verified with that channel's own auth token" },

  // Platform tasks for serverless hosts: the caller is the scheduler (Bearer CRON_SECRET), never
  // a workspace member; unauthenticated.test.ts checks that no session can call them.
  "GET /api/cron/[task]": { skip: "platform cron task: CRON_SECRET only, no session or workspace caller" },
  "POST /api/cron/[task]": { skip: "platform cron task: CRON_SECRET only, no session or workspace caller" },

  // Flows (issue 6): B's published flow through every flows route (tests/helpers/flows.ts).
  "GET /api/flows": flowListIsolationCase({ method: "GET" }),
  "POST /api/flows": flowListIsolationCase({ method: "POST" }),
  "GET /api/flows/[id]": flowIsolationCase({ suffix: "" }),
  "PATCH /api/flows/[id]": flowIsolationCase({ method: "PATCH", suffix: "", json: { name: "Renamed by A", draft: keywordFlowDraft({ text: "planted" }), baseRevision: 1 } }),
  "DELETE /api/flows/[id]": flowIsolationCase({ method: "DELETE", suffix: "" }),
  "POST /api/flows/[id]/publish": flowIsolationCase({ method: "POST", suffix: "/publish", json: { baseRevision: 1 } }),
  "POST /api/flows/[id]/pause": flowIsolationCase({ method: "POST", suffix: "/pause" }),
  "POST /api/flows/[id]/resume": flowIsolationCase({ method: "POST", suffix: "/resume" }),
  "GET /api/flows/[id]/versions": flowIsolationCase({ suffix: "/versions" }),
  "GET /api/flows/[id]/versions/[version]": flowIsolationCase({ suffix: "/versions/1" }),
  "POST /api/flows/[id]/versions/[version]/restore": flowIsolationCase({ method: "POST", suffix: "/versions/1/restore", json: { baseRevision: 1 } }),
  "GET /api/flows/[id]/analytics": flowIsolationCase({ suffix: "/analytics" }),
  "GET /api/flows/[id]/preview": flowPreviewIsolationCase({ method: "GET", suffix: "" }),
  "POST /api/flows/[id]/preview": flowPreviewIsolationCase({ method: "POST", suffix: "", json: { action: "start" } }),
  "POST /api/flows/[id]/preview/messages": flowPreviewIsolationCase({ method: "POST", suffix: "/messages", json: { text: "planted by A" } }),

  // Campaigns (issue 7): B's campaign and channel (tests/integration/campaigns-isolation.ts).
  "GET /api/campaigns": campaignListIsolationCase(),
  "POST /api/campaigns": campaignChannelIsolationCase({ path: "/api/campaigns" }),
  "POST /api/campaigns/estimate": campaignChannelIsolationCase({ path: "/api/campaigns/estimate" }),
  "POST /api/campaigns/recipients-csv": campaignCsvIsolationCase(),
  "GET /api/campaigns/[id]": campaignIsolationCase({ method: "GET", suffix: "" }),
  "PATCH /api/campaigns/[id]": campaignIsolationCase({ method: "PATCH", suffix: "", json: { name: "Renamed by A" } }),
  "DELETE /api/campaigns/[id]": campaignIsolationCase({ method: "DELETE", suffix: "" }),
  "POST /api/campaigns/[id]/launch": campaignIsolationCase({ method: "POST", suffix: "/launch" }),
  "POST /api/campaigns/[id]/pause": campaignIsolationCase({ method: "POST", suffix: "/pause" }),
  "POST /api/campaigns/[id]/resume": campaignIsolationCase({ method: "POST", suffix: "/resume" }),
  "POST /api/campaigns/[id]/cancel": campaignIsolationCase({ method: "POST", suffix: "/cancel" }),
  "POST /api/campaigns/[id]/duplicate": campaignIsolationCase({ method: "POST", suffix: "/duplicate" }),
  "GET /api/campaigns/[id]/recipients": campaignIsolationCase({ method: "GET", suffix: "/recipients" }),
  "GET /api/campaigns/[id]/metrics": campaignIsolationCase({ method: "GET", suffix: "/metrics" }),
  "GET /api/campaigns/[id]/export": campaignIsolationCase({ method: "GET", suffix: "/export" }),
  "GET /api/workspaces/[slug]/campaigns/[id]/export": campaignDownloadIsolationCase(),

  // Automations (issue 6): B's activity log, credit ledger and settings (tests/integration/automations-isolation.ts).
  "GET /api/automation/activity": automationReadIsolationCase({ path: "/api/automation/activity" }),
  "GET /api/automation/credits": automationReadIsolationCase({ path: "/api/automation/credits" }),
  "GET /api/automation/settings": automationReadIsolationCase({ path: "/api/automation/settings" }),
  "PATCH /api/automation/settings": automationSettingsPatchIsolationCase(),
  "POST /api/automation/credits": async ({ world, handler }) => {
    // B's balance and ledger must not move (the suite also compares B's Workspace row); A's owner may top up A only.
    const json = { amount: 5, reason: "Planted by A", requestId: "isolation-topup-1" };
    await expectStatus(await call(handler, "/api/automation/credits", { method: "POST", as: world.a.user, json, headers: { "x-workspace": world.b.workspace.slug } }), 403);
    await expectStatus(await call(handler, "/api/automation/credits", { method: "POST", apiKey: world.aKey, json, headers: { "x-workspace": world.b.workspace.slug } }), 403);
    await expectStatus(await call(handler, "/api/automation/credits", { method: "POST", as: world.a.user, json, headers: { "x-workspace": world.a.workspace.slug } }), 201);
    expect(await prisma.creditLedger.count({ where: { workspaceId: world.b.workspace.id, reason: "Planted by A" } })).toBe(0);
  },

  "GET /api/channels/[id]": async ({ world, handler }) => {
    for (const id of [world.bSandboxChannelId, world.bWhatsAppChannelId]) {
      const path = `/api/channels/${id}`;
      await expectStatus(await call(handler, path, { as: world.a.user, headers: { "x-workspace": world.b.workspace.slug }, params: { id } }), 403, bSecrets(world));
      await expectStatus(await call(handler, path, { as: world.a.user, headers: { "x-workspace": world.a.workspace.slug }, params: { id } }), 404, bSecrets(world));
      await expectStatus(await call(handler, path, { apiKey: world.aKey, params: { id } }), 404, bSecrets(world));
    }
  },

  "POST /api/channels/[id]/disconnect": async ({ world, handler }) => {
    for (const id of [world.bWhatsAppChannelId, world.bTwilioChannelId]) {
      const path = `/api/channels/${id}/disconnect`;
      await expectStatus(await call(handler, path, { method: "POST", as: world.a.user, headers: { "x-workspace": world.b.workspace.slug }, params: { id } }), 403);
      await expectStatus(await call(handler, path, { method: "POST", as: world.a.user, headers: { "x-workspace": world.a.workspace.slug }, params: { id } }), 404);
      await expectStatus(await call(handler, path, { method: "POST", apiKey: world.aKey, params: { id } }), 404);
    }
  },

  "GET /api/channels/[id]/templates": async ({ world, handler }) => {
    const id = world.bWhatsAppChannelId;
    const path = `/api/channels/${id}/templates`;
    await expectStatus(await call(handler, path, { as: world.a.user, headers: { "x-workspace": world.b.workspace.slug }, params: { id } }), 403, bSecrets(world));
    await expectStatus(await call(handler, path, { as: world.a.user, headers: { "x-workspace": world.a.workspace.slug }, params: { id } }), 404, bSecrets(world));
  },

  "POST /api/channels/[id]/templates/sync": async ({ world, handler }) => {
    const id = world.bWhatsAppChannelId;
    const path = `/api/channels/${id}/templates/sync`;
    await expectStatus(await call(handler, path, { method: "POST", as: world.a.user, headers: { "x-workspace": world.b.workspace.slug }, params: { id } }), 403);
    await expectStatus(await call(handler, path, { method: "POST", as: world.a.user, headers: { "x-workspace": world.a.workspace.slug }, params: { id } }), 404);
  },

  "POST /api/channels/whatsapp": async ({ world, handler }) => {
    const json = { phoneNumberId: "123456789012345", wabaId: "123456789012345", accessToken: "EAAG".padEnd(40, "x"), appSecret: "a".repeat(32) };
    await expectStatus(await call(handler, "/api/channels/whatsapp", { method: "POST", as: world.a.user, json, headers: { "x-workspace": world.b.workspace.slug } }), 403);
    await expectStatus(await call(handler, "/api/channels/whatsapp", { method: "POST", apiKey: world.aKey, json, headers: { "x-workspace": world.b.workspace.slug } }), 403);
  },

  "PUT /api/channels/whatsapp/[id]": async ({ world, handler }) => {
    const id = world.bWhatsAppChannelId;
    const json = { phoneNumberId: "123456789012345", wabaId: "123456789012345", accessToken: "EAAG".padEnd(40, "x"), appSecret: "a".repeat(32) };
    const path = `/api/channels/whatsapp/${id}`;
    await expectStatus(await call(handler, path, { method: "PUT", as: world.a.user, json, headers: { "x-workspace": world.b.workspace.slug }, params: { id } }), 403);
    await expectStatus(await call(handler, path, { method: "PUT", as: world.a.user, json, headers: { "x-workspace": world.a.workspace.slug }, params: { id } }), 404);
  },

  "POST /api/channels/twilio": async ({ world, handler }) => {
    const json = { accountSid: `AC${"0".repeat(32)}`, authToken: "f".repeat(32), sender: "+15550001111" };
    await expectStatus(await call(handler, "/api/channels/twilio", { method: "POST", as: world.a.user, json, headers: { "x-workspace": world.b.workspace.slug } }), 403);
  },

  "PUT /api/channels/twilio/[id]": async ({ world, handler }) => {
    const id = world.bTwilioChannelId;
    const json = { accountSid: `AC${"0".repeat(32)}`, authToken: "f".repeat(32), sender: "+15550001111" };
    const path = `/api/channels/twilio/${id}`;
    await expectStatus(await call(handler, path, { method: "PUT", as: world.a.user, json, headers: { "x-workspace": world.b.workspace.slug }, params: { id } }), 403);
    await expectStatus(await call(handler, path, { method: "PUT", as: world.a.user, json, headers: { "x-workspace": world.a.workspace.slug }, params: { id } }), 404);
  },

  // Meta's platform callbacks: authenticated by signed_request (the Meta app secret), no caller
  // from any workspace; the user id inside the signed request picks the data.
  "POST /api/meta/data-deletion": { skip: "Meta platform callback (signed_request), no session or workspace caller" },
  "POST /api/meta/deauthorize": { skip: "Meta platform callback (signed_request), no session or workspace caller" },

  "GET /api/oauth/instagram/start": async ({ world, handler }) => {
    const res = await call(handler, `/api/oauth/instagram/start?workspace=${world.b.workspace.slug}`, { as: world.a.user });
    await expectStatus(res, 403, bSecrets(world));
    expect(res.headers.get("set-cookie")).toBeNull();
    expect(res.headers.get("location")).toBeNull();
  },

  "GET /api/oauth/instagram/callback": async ({ world, handler }) => {
    // A made-up state naming B's workspace: no signature, no nonce cookie, so nothing happens.
    const state = Buffer.from(JSON.stringify({ workspaceId: world.b.workspace.id, userId: world.a.user.id })).toString("base64url");
    const res = await call(handler, `/api/oauth/instagram/callback?code=abc&state=${state}`, { as: world.a.user });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    for (const secret of bSecrets(world)) expect(await res.clone().text()).not.toContain(secret);
  },

  "POST /api/oauth/instagram/connect": async ({ world, handler }) => {
    const json = { accounts: ["17841400000000000"] };
    await expectStatus(await call(handler, "/api/oauth/instagram/connect", { method: "POST", as: world.a.user, json, headers: { "x-workspace": world.b.workspace.slug } }), 403);
    await expectStatus(await call(handler, "/api/oauth/instagram/connect", { method: "POST", apiKey: world.aKey, json, headers: { "x-workspace": world.a.workspace.slug } }), 403);
  },

  "GET /api/conversations": async ({ world, handler }) => {
    await expectStatus(await call(handler, "/api/conversations", { as: world.a.user, headers: { "x-workspace": world.b.workspace.slug } }), 403, bSecrets(world));
    await expectStatus(await call(handler, "/api/conversations", { apiKey: world.aKey, headers: { "x-workspace": world.b.workspace.slug } }), 403, bSecrets(world));
    // A's own list, even filtered by B's channel, never includes B's conversation.
    const path = `/api/conversations?channelId=${world.bSandboxChannelId}`;
    await expectStatus(await call(handler, path, { as: world.a.user, headers: { "x-workspace": world.a.workspace.slug } }), 200, bSecrets(world));
    await expectStatus(await call(handler, "/api/conversations", { apiKey: world.aKey }), 200, bSecrets(world));
  },

  "GET /api/conversations/[id]/messages": async ({ world, handler }) => {
    const id = world.bConversationId;
    const path = `/api/conversations/${id}/messages`;
    await expectStatus(await call(handler, path, { as: world.a.user, headers: { "x-workspace": world.b.workspace.slug }, params: { id } }), 403, bSecrets(world));
    await expectStatus(await call(handler, path, { as: world.a.user, headers: { "x-workspace": world.a.workspace.slug }, params: { id } }), 404, bSecrets(world));
    await expectStatus(await call(handler, path, { apiKey: world.aKey, params: { id } }), 404, bSecrets(world));
  },

  "GET /api/conversations/[id]": async ({ world, handler }) => {
    const id = world.bConversationId;
    const path = `/api/conversations/${id}`;
    await expectStatus(await call(handler, path, { as: world.a.user, headers: { "x-workspace": world.b.workspace.slug }, params: { id } }), 403, bSecrets(world));
    await expectStatus(await call(handler, path, { as: world.a.user, headers: { "x-workspace": world.a.workspace.slug }, params: { id } }), 404, bSecrets(world));
    await expectStatus(await call(handler, path, { apiKey: world.aKey, params: { id } }), 404, bSecrets(world));
  },

  "PATCH /api/conversations/[id]": async ({ world, handler }) => {
    const id = world.bConversationId;
    const path = `/api/conversations/${id}`;
    const json = { status: "blocked", assigneeId: world.a.user.id, botPaused: true, unread: true };
    await expectStatus(await call(handler, path, { method: "PATCH", as: world.a.user, json, headers: { "x-workspace": world.b.workspace.slug }, params: { id } }), 403);
    await expectStatus(await call(handler, path, { method: "PATCH", as: world.a.user, json, headers: { "x-workspace": world.a.workspace.slug }, params: { id } }), 404, bSecrets(world));
    await expectStatus(await call(handler, path, { method: "PATCH", apiKey: world.aKey, json: { status: "archived" }, params: { id } }), 404, bSecrets(world));
  },

  "GET /api/conversations/[id]/notes": async ({ world, handler }) => {
    const id = world.bConversationId;
    const path = `/api/conversations/${id}/notes`;
    await expectStatus(await call(handler, path, { as: world.a.user, headers: { "x-workspace": world.b.workspace.slug }, params: { id } }), 403, bSecrets(world));
    await expectStatus(await call(handler, path, { as: world.a.user, headers: { "x-workspace": world.a.workspace.slug }, params: { id } }), 404, bSecrets(world));
    await expectStatus(await call(handler, path, { apiKey: world.aKey, params: { id } }), 404, bSecrets(world));
  },

  "POST /api/conversations/[id]/notes": async ({ world, handler }) => {
    const id = world.bConversationId;
    const path = `/api/conversations/${id}/notes`;
    const json = { body: "planted by A" };
    await expectStatus(await call(handler, path, { method: "POST", as: world.a.user, json, headers: { "x-workspace": world.b.workspace.slug }, params: { id } }), 403);
    await expectStatus(await call(handler, path, { method: "POST", as: world.a.user, json, headers: { "x-workspace": world.a.workspace.slug }, params: { id } }), 404);
    await expectStatus(await call(handler, path, { method: "POST", apiKey: world.aKey, json, params: { id } }), 404);
    expect(await prisma.conversationNote.count({ where: { conversationId: id } })).toBe(0);
  },

  "GET /api/inbox/changes": async ({ world, handler }) => {
    const id = world.bConversationId;
    await expectStatus(await call(handler, "/api/inbox/changes?since=1", { as: world.a.user, headers: { "x-workspace": world.b.workspace.slug } }), 403, bSecrets(world));
    // B's thread named in A's poll: not found, and none of B's rows in A's delta from the start of time.
    await expectStatus(await call(handler, `/api/inbox/changes?since=1&conversationId=${id}`, { as: world.a.user, headers: { "x-workspace": world.a.workspace.slug } }), 404, bSecrets(world));
    await expectStatus(await call(handler, `/api/inbox/changes?since=1&conversationId=${id}`, { apiKey: world.aKey }), 404, bSecrets(world));
    const res = await call(handler, `/api/inbox/changes?since=1&channelId=${world.bSandboxChannelId}`, { apiKey: world.aKey });
    expect([200, 304]).toContain(res.status);
    for (const secret of bSecrets(world).filter((x) => x !== world.bSandboxChannelId)) expect(await res.clone().text()).not.toContain(secret);
    const own = await call(handler, "/api/inbox/changes?since=1&status=open", { as: world.a.user, headers: { "x-workspace": world.a.workspace.slug } });
    expect([200, 304]).toContain(own.status);
    for (const secret of bSecrets(world)) expect(await own.clone().text()).not.toContain(secret);
  },

  "GET /api/inbox/counts": async ({ world, handler }) => {
    await expectStatus(await call(handler, "/api/inbox/counts", { as: world.a.user, headers: { "x-workspace": world.b.workspace.slug } }), 403, bSecrets(world));
    await expectStatus(await call(handler, "/api/inbox/counts", { apiKey: world.aKey, headers: { "x-workspace": world.b.workspace.slug } }), 403, bSecrets(world));
    await expectStatus(await call(handler, "/api/inbox/counts", { as: world.a.user, headers: { "x-workspace": world.a.workspace.slug } }), 200, bSecrets(world));
  },

  "GET /api/contacts/[id]": async ({ world, handler }) => {
    const { contactId: id } = await prisma.conversation.findUniqueOrThrow({ where: { id: world.bConversationId }, select: { contactId: true } });
    const path = `/api/contacts/${id}`;
    await expectStatus(await call(handler, path, { as: world.a.user, headers: { "x-workspace": world.b.workspace.slug }, params: { id } }), 403, bSecrets(world));
    await expectStatus(await call(handler, path, { as: world.a.user, headers: { "x-workspace": world.a.workspace.slug }, params: { id } }), 404, bSecrets(world));
    await expectStatus(await call(handler, path, { apiKey: world.aKey, params: { id } }), 404, bSecrets(world));
  },

  "PATCH /api/contacts/[id]": async ({ world, handler }) => {
    const { contactId: id } = await prisma.conversation.findUniqueOrThrow({ where: { id: world.bConversationId }, select: { contactId: true } });
    const path = `/api/contacts/${id}`;
    const json = { displayName: "Renamed by A", tags: ["owned"], optedOut: true };
    await expectStatus(await call(handler, path, { method: "PATCH", as: world.a.user, json, headers: { "x-workspace": world.b.workspace.slug }, params: { id } }), 403);
    await expectStatus(await call(handler, path, { method: "PATCH", as: world.a.user, json, headers: { "x-workspace": world.a.workspace.slug }, params: { id } }), 404, bSecrets(world));
    await expectStatus(await call(handler, path, { method: "PATCH", apiKey: world.aKey, json, params: { id } }), 404, bSecrets(world));
  },

  "GET /api/tags": async ({ world, handler }) => {
    await expectStatus(await call(handler, "/api/tags", { as: world.a.user, headers: { "x-workspace": world.b.workspace.slug } }), 403, [...bSecrets(world), "b-secret-tag"]);
    await expectStatus(await call(handler, "/api/tags", { as: world.a.user, headers: { "x-workspace": world.a.workspace.slug } }), 200, [...bSecrets(world), "b-secret-tag"]);
    await expectStatus(await call(handler, "/api/tags", { apiKey: world.aKey }), 200, [...bSecrets(world), "b-secret-tag"]);
  },

  "GET /api/messages/[id]/status": async ({ world, handler }) => {
    const id = world.bMessageId;
    const path = `/api/messages/${id}/status`;
    await expectStatus(await call(handler, path, { as: world.a.user, headers: { "x-workspace": world.b.workspace.slug }, params: { id } }), 403, bSecrets(world));
    await expectStatus(await call(handler, path, { as: world.a.user, headers: { "x-workspace": world.a.workspace.slug }, params: { id } }), 404, bSecrets(world));
    await expectStatus(await call(handler, path, { apiKey: world.aKey, params: { id } }), 404, bSecrets(world));
  },

  "GET /api/messages/[id]/trace": async ({ world, handler }) => {
    const id = world.bMessageId;
    const path = `/api/messages/${id}/trace`;
    await expectStatus(await call(handler, path, { as: world.a.user, headers: { "x-workspace": world.b.workspace.slug }, params: { id } }), 403, bSecrets(world));
    await expectStatus(await call(handler, path, { as: world.a.user, headers: { "x-workspace": world.a.workspace.slug }, params: { id } }), 404, bSecrets(world));
    await expectStatus(await call(handler, path, { apiKey: world.aKey, params: { id } }), 404, bSecrets(world));
  },

  // Compose + send (issue 5): B's conversation, message, saved replies, attachments and settings.
  "GET /api/conversations/[id]/compose": async ({ world, handler }) => {
    const id = world.bConversationId;
    const path = `/api/conversations/${id}/compose`;
    await expectStatus(await call(handler, path, { as: world.a.user, headers: { "x-workspace": world.b.workspace.slug }, params: { id } }), 403, bSecrets(world));
    await expectStatus(await call(handler, path, { as: world.a.user, headers: { "x-workspace": world.a.workspace.slug }, params: { id } }), 404, bSecrets(world));
    await expectStatus(await call(handler, path, { apiKey: world.aKey, params: { id } }), 404, bSecrets(world));
  },

  "POST /api/conversations/[id]/messages": async ({ world, handler }) => {
    const id = world.bConversationId;
    const path = `/api/conversations/${id}/messages`;
    const json = { idempotencyKey: `isolation-${uniqueSuffix()}`, text: "sent into B by A" };
    await expectStatus(await call(handler, path, { method: "POST", as: world.a.user, json, headers: { "x-workspace": world.b.workspace.slug }, params: { id } }), 403);
    await expectStatus(await call(handler, path, { method: "POST", as: world.a.user, json, headers: { "x-workspace": world.a.workspace.slug }, params: { id } }), 404, bSecrets(world));
    await expectStatus(await call(handler, path, { method: "POST", apiKey: world.aKey, json, params: { id } }), 404, bSecrets(world));
  },

  "POST /api/messages/[id]/retry": async ({ world, handler }) => {
    const id = world.bMessageId;
    const path = `/api/messages/${id}/retry`;
    await expectStatus(await call(handler, path, { method: "POST", as: world.a.user, headers: { "x-workspace": world.b.workspace.slug }, params: { id } }), 403);
    await expectStatus(await call(handler, path, { method: "POST", as: world.a.user, headers: { "x-workspace": world.a.workspace.slug }, params: { id } }), 404, bSecrets(world));
    await expectStatus(await call(handler, path, { method: "POST", apiKey: world.aKey, params: { id } }), 404, bSecrets(world));
  },

  "POST /api/attachments": async ({ world, handler }) => {
    const json = { url: "https://example.com/a.png" };
    await expectStatus(await call(handler, "/api/attachments", { method: "POST", as: world.a.user, json, headers: { "x-workspace": world.b.workspace.slug } }), 403);
    await expectStatus(await call(handler, "/api/attachments", { method: "POST", apiKey: world.aKey, json, headers: { "x-workspace": world.b.workspace.slug } }), 403);
    expect(await prisma.attachment.count({ where: { workspaceId: world.b.workspace.id } })).toBe(0);
  },

  "GET /api/attachments/[id]/[token]": async ({ world, handler }) => {
    // Public by design (providers fetch it): the HMAC token of the id is the only key. A token
    // that opens A's attachment, or no valid token at all, never opens B's.
    const bytes = new TextEncoder().encode("%PDF-1.4 secret order 42");
    const data = { fileName: "b.pdf", mimeType: "application/pdf", size: bytes.length, sha256: "x", data: bytes };
    const b = await prisma.attachment.create({ data: { ...data, workspaceId: world.b.workspace.id } });
    const a = await prisma.attachment.create({ data: { ...data, workspaceId: world.a.workspace.id, fileName: "a.pdf" } });
    const { attachmentToken } = await import("@/lib/attachments/attachment-url");
    for (const token of [attachmentToken(a.id), "x".repeat(43)]) {
      await expectStatus(await call(handler, `/api/attachments/${b.id}/${token}`, { apiKey: world.aKey, params: { id: b.id, token } }), 404, bSecrets(world));
    }
  },

  "GET /api/saved-replies": async ({ world, handler }) => {
    await prisma.savedReply.create({ data: { workspaceId: world.b.workspace.id, shortcut: `b-${uniqueSuffix()}`, body: "secret order 42" } });
    await expectStatus(await call(handler, "/api/saved-replies", { as: world.a.user, headers: { "x-workspace": world.b.workspace.slug } }), 403, bSecrets(world));
    await expectStatus(await call(handler, "/api/saved-replies", { as: world.a.user, headers: { "x-workspace": world.a.workspace.slug } }), 200, bSecrets(world));
    await expectStatus(await call(handler, "/api/saved-replies", { apiKey: world.aKey }), 200, bSecrets(world));
  },

  "POST /api/saved-replies": async ({ world, handler }) => {
    const json = { shortcut: `a-${uniqueSuffix()}`, body: "planted by A" };
    await expectStatus(await call(handler, "/api/saved-replies", { method: "POST", as: world.a.user, json, headers: { "x-workspace": world.b.workspace.slug } }), 403);
    await expectStatus(await call(handler, "/api/saved-replies", { method: "POST", apiKey: world.aKey, json, headers: { "x-workspace": world.b.workspace.slug } }), 403);
    expect(await prisma.savedReply.count({ where: { workspaceId: world.b.workspace.id, body: "planted by A" } })).toBe(0);
  },

  "PATCH /api/saved-replies/[id]": async ({ world, handler }) => {
    const { id } = await prisma.savedReply.create({ data: { workspaceId: world.b.workspace.id, shortcut: `b-${uniqueSuffix()}`, body: "B's reply" } });
    const path = `/api/saved-replies/${id}`;
    const json = { body: "changed by A" };
    await expectStatus(await call(handler, path, { method: "PATCH", as: world.a.user, json, headers: { "x-workspace": world.b.workspace.slug }, params: { id } }), 403);
    await expectStatus(await call(handler, path, { method: "PATCH", as: world.a.user, json, headers: { "x-workspace": world.a.workspace.slug }, params: { id } }), 404);
    await expectStatus(await call(handler, path, { method: "PATCH", apiKey: world.aKey, json, params: { id } }), 404);
    expect(await prisma.savedReply.findUniqueOrThrow({ where: { id } })).toMatchObject({ body: "B's reply" });
  },

  "DELETE /api/saved-replies/[id]": async ({ world, handler }) => {
    const { id } = await prisma.savedReply.create({ data: { workspaceId: world.b.workspace.id, shortcut: `b-${uniqueSuffix()}`, body: "B's reply" } });
    const path = `/api/saved-replies/${id}`;
    await expectStatus(await call(handler, path, { method: "DELETE", as: world.a.user, headers: { "x-workspace": world.b.workspace.slug }, params: { id } }), 403);
    await expectStatus(await call(handler, path, { method: "DELETE", as: world.a.user, headers: { "x-workspace": world.a.workspace.slug }, params: { id } }), 404);
    await expectStatus(await call(handler, path, { method: "DELETE", apiKey: world.aKey, params: { id } }), 404);
    expect(await prisma.savedReply.count({ where: { id } })).toBe(1);
  },

  "GET /api/workspaces/[slug]/settings": async ({ world, handler }) => {
    const slug = world.b.workspace.slug;
    await expectStatus(await call(handler, `/api/workspaces/${slug}/settings`, { as: world.a.user, params: { slug } }), 403, bSecrets(world));
    await expectStatus(await call(handler, `/api/workspaces/${slug}/settings`, { apiKey: world.aKey, params: { slug } }), 403, bSecrets(world));
  },

  "PATCH /api/workspaces/[slug]/settings": async ({ world, handler }) => {
    const slug = world.b.workspace.slug;
    const json = { humanAgentTag: true };
    await expectStatus(await call(handler, `/api/workspaces/${slug}/settings`, { method: "PATCH", as: world.a.user, json, params: { slug } }), 403);
    await expectStatus(await call(handler, `/api/workspaces/${slug}/settings`, { method: "PATCH", apiKey: world.aKey, json, params: { slug } }), 403);
  },

  "GET /api/sandbox/conversations": async ({ world, handler }) => {
    await expectStatus(await call(handler, "/api/sandbox/conversations", { as: world.a.user, headers: { "x-workspace": world.b.workspace.slug } }), 403, bSecrets(world));
    await expectStatus(await call(handler, "/api/sandbox/conversations", { as: world.a.user, headers: { "x-workspace": world.a.workspace.slug } }), 200, bSecrets(world));
    await expectStatus(await call(handler, "/api/sandbox/conversations", { apiKey: world.aKey }), 200, bSecrets(world));
  },

  "POST /api/sandbox/messages": async ({ world, handler }) => {
    const json = { contactName: "Intruder", text: "injected into B" };
    await expectStatus(await call(handler, "/api/sandbox/messages", { method: "POST", as: world.a.user, json, headers: { "x-workspace": world.b.workspace.slug } }), 403);
    await expectStatus(await call(handler, "/api/sandbox/messages", { method: "POST", apiKey: world.aKey, json, headers: { "x-workspace": world.b.workspace.slug } }), 403);
  },

  "GET /api/webhook-events": async ({ world, handler }) => {
    await expectStatus(await call(handler, "/api/webhook-events", { as: world.a.user, headers: { "x-workspace": world.b.workspace.slug } }), 403, bSecrets(world));
    await expectStatus(await call(handler, "/api/webhook-events", { as: world.a.user, headers: { "x-workspace": world.a.workspace.slug } }), 200, bSecrets(world));
    // A cursor naming B's event does not pull B's events into A's page.
    const cursor = `/api/webhook-events?cursor=${world.bWebhookEventId}`;
    const res = await call(handler, cursor, { as: world.a.user, headers: { "x-workspace": world.a.workspace.slug } });
    expect([200, 400, 404, 422]).toContain(res.status);
    for (const secret of bSecrets(world).filter((x) => x !== world.bWebhookEventId)) expect(await res.clone().text()).not.toContain(secret);
  },

  "POST /api/webhook-events/[id]/replay": async ({ world, handler }) => {
    const id = world.bWebhookEventId;
    const path = `/api/webhook-events/${id}/replay`;
    await expectStatus(await call(handler, path, { method: "POST", as: world.a.user, headers: { "x-workspace": world.b.workspace.slug }, params: { id } }), 403);
    await expectStatus(await call(handler, path, { method: "POST", as: world.a.user, headers: { "x-workspace": world.a.workspace.slug }, params: { id } }), 404);
    await expectStatus(await call(handler, path, { method: "POST", apiKey: world.aKey, params: { id } }), 404);
  },

  "GET /api/debug": async ({ world, handler }) => {
    const { a, b, aKey } = world;
    await expectStatus(await call(handler, "/api/debug", { as: a.user, headers: { "x-workspace": b.workspace.slug } }), 403, bSecrets(world));
    await expectStatus(await call(handler, "/api/debug", { apiKey: aKey }), 403, bSecrets(world));
    const bChannels = await prisma.channel.findMany({ where: { workspaceId: b.workspace.id }, select: { id: true } });
    await expectStatus(await call(handler, "/api/debug", { as: a.user, headers: { "x-workspace": a.workspace.slug } }), 200, [...bSecrets(world), ...bChannels.map((c) => c.id)]);
  },

  "GET /api/channels": async ({ world, handler }) => {
    const { a, b, aKey } = world;
    await expectStatus(await call(handler, "/api/channels", { as: a.user, headers: { "x-workspace": b.workspace.slug } }), 403, bSecrets(world));
    await expectStatus(await call(handler, "/api/channels", { apiKey: aKey, headers: { "x-workspace": b.workspace.slug } }), 403, bSecrets(world));
    const own = await call(handler, "/api/channels", { as: a.user, headers: { "x-workspace": a.workspace.slug } });
    const bChannels = await prisma.channel.findMany({ where: { workspaceId: b.workspace.id }, select: { id: true } });
    await expectStatus(own, 200, bChannels.map((c) => c.id));
  },

  "GET /api/health": async ({ world, handler }) => {
    const res = await handler(new Request("http://localhost:3000/api/health"), { params: Promise.resolve({}) });
    const body = await readJson(res);
    expect(Object.keys(body).sort()).toEqual(["database", "status", "uptime", "version"]);
    expect(JSON.stringify(body)).not.toContain(world.b.workspace.slug);
  },

  "POST /api/invitations/accept": async ({ world, handler }) => {
    const { a, bInvitationToken } = world;
    // B's invitation is bound to another email: A's owner cannot use a leaked link.
    await expectStatus(await call(handler, "/api/invitations/accept", { method: "POST", as: a.user, json: { token: bInvitationToken } }), 403);
    const [header, , signature] = bInvitationToken.split(".");
    const payload = Buffer.from(JSON.stringify({ inv: world.bInvitationId, aud: "switchboard:invitation", exp: 4102444800 })).toString("base64url");
    await expectStatus(await call(handler, "/api/invitations/accept", { method: "POST", as: a.user, json: { token: `${header}.${payload}.${signature}` } }), 422);
  },

  "POST /api/signup": async ({ world, handler }) => {
    const email = uniqueEmail("intruder");
    const res = await call(handler, "/api/signup", {
      method: "POST",
      json: { name: "Intruder", email, password: TEST_PASSWORD, inviteToken: world.bInvitationToken },
    });
    await expectStatus(res, 403);
    expect(await prisma.user.findUnique({ where: { email } })).toBeNull();
  },

  "GET /api/workspaces": async ({ world, handler }) => {
    const res = await call(handler, "/api/workspaces", { as: world.a.user });
    expect(res.status).toBe(200);
    const { workspaces } = await readJson(res);
    expect(workspaces).toEqual([{ id: world.a.workspace.id, name: world.a.workspace.name, slug: world.a.workspace.slug, role: "owner" }]);
  },

  "POST /api/workspaces": async ({ world, handler }) => {
    // Same name as B: a separate workspace with its own slug, B untouched.
    const res = await call(handler, "/api/workspaces", { method: "POST", as: world.a.user, json: { name: world.b.workspace.name } });
    expect(res.status).toBe(201);
    const { workspace } = await readJson(res);
    expect(workspace.id).not.toBe(world.b.workspace.id);
    expect(workspace.slug).not.toBe(world.b.workspace.slug);
    const membership = await prisma.membership.findFirst({ where: { userId: world.a.user.id, workspaceId: world.b.workspace.id } });
    expect(membership).toBeNull();
  },

  "GET /api/workspaces/[slug]": async ({ world, handler }) => {
    const slug = world.b.workspace.slug;
    await expectStatus(await call(handler, `/api/workspaces/${slug}`, { as: world.a.user, params: { slug } }), 403, bSecrets(world));
    await expectStatus(await call(handler, `/api/workspaces/${slug}`, { apiKey: world.aKey, params: { slug } }), 403, bSecrets(world));
    // A slug that does not exist gets the same answer: nothing leaks about which slugs exist.
    const missing = await call(handler, "/api/workspaces/no-such-workspace-xyz", { as: world.a.user, params: { slug: "no-such-workspace-xyz" } });
    expect(missing.status).toBe(403);
  },

  "GET /api/workspaces/[slug]/members": async ({ world, handler }) => {
    const slug = world.b.workspace.slug;
    await expectStatus(await call(handler, `/api/workspaces/${slug}/members`, { as: world.a.user, params: { slug } }), 403, bSecrets(world));
    await expectStatus(await call(handler, `/api/workspaces/${slug}/members`, { apiKey: world.aKey, params: { slug } }), 403, bSecrets(world));
  },

  "PATCH /api/workspaces/[slug]/members/[memberId]": async ({ world, handler }) => {
    for (const memberId of [world.bMembershipId, world.bOwnerMembershipId]) {
      const bSlug = world.b.workspace.slug;
      await expectStatus(
        await call(handler, `/api/workspaces/${bSlug}/members/${memberId}`, { method: "PATCH", as: world.a.user, json: { role: "owner" }, params: { slug: bSlug, memberId } }),
        403,
      );
      // B's member id under A's slug, where the caller is owner: not found in A.
      const aSlug = world.a.workspace.slug;
      await expectStatus(
        await call(handler, `/api/workspaces/${aSlug}/members/${memberId}`, { method: "PATCH", as: world.a.user, json: { role: "marketer" }, params: { slug: aSlug, memberId } }),
        404,
      );
    }
  },

  "DELETE /api/workspaces/[slug]/members/[memberId]": async ({ world, handler }) => {
    for (const memberId of [world.bMembershipId, world.bOwnerMembershipId]) {
      const bSlug = world.b.workspace.slug;
      await expectStatus(await call(handler, `/api/workspaces/${bSlug}/members/${memberId}`, { method: "DELETE", as: world.a.user, params: { slug: bSlug, memberId } }), 403);
      const aSlug = world.a.workspace.slug;
      await expectStatus(await call(handler, `/api/workspaces/${aSlug}/members/${memberId}`, { method: "DELETE", as: world.a.user, params: { slug: aSlug, memberId } }), 404);
    }
  },

  "GET /api/workspaces/[slug]/invitations": async ({ world, handler }) => {
    const slug = world.b.workspace.slug;
    await expectStatus(await call(handler, `/api/workspaces/${slug}/invitations`, { as: world.a.user, params: { slug } }), 403, bSecrets(world));
    // A's own list never includes B's invitation.
    const aSlug = world.a.workspace.slug;
    await expectStatus(await call(handler, `/api/workspaces/${aSlug}/invitations`, { as: world.a.user, params: { slug: aSlug } }), 200, bSecrets(world));
  },

  "POST /api/workspaces/[slug]/invitations": async ({ world, handler }) => {
    const slug = world.b.workspace.slug;
    await expectStatus(
      await call(handler, `/api/workspaces/${slug}/invitations`, { method: "POST", as: world.a.user, json: { role: "owner", email: world.a.user.email }, params: { slug } }),
      403,
    );
  },

  "DELETE /api/workspaces/[slug]/invitations/[id]": async ({ world, handler }) => {
    const id = world.bInvitationId;
    const bSlug = world.b.workspace.slug;
    await expectStatus(await call(handler, `/api/workspaces/${bSlug}/invitations/${id}`, { method: "DELETE", as: world.a.user, params: { slug: bSlug, id } }), 403);
    const aSlug = world.a.workspace.slug;
    await expectStatus(await call(handler, `/api/workspaces/${aSlug}/invitations/${id}`, { method: "DELETE", as: world.a.user, params: { slug: aSlug, id } }), 404);
  },

  "GET /api/workspaces/[slug]/api-keys": async ({ world, handler }) => {
    const slug = world.b.workspace.slug;
    await expectStatus(await call(handler, `/api/workspaces/${slug}/api-keys`, { as: world.a.user, params: { slug } }), 403, bSecrets(world));
    const aSlug = world.a.workspace.slug;
    await expectStatus(await call(handler, `/api/workspaces/${aSlug}/api-keys`, { as: world.a.user, params: { slug: aSlug } }), 200, bSecrets(world));
  },

  "POST /api/workspaces/[slug]/api-keys": async ({ world, handler }) => {
    const slug = world.b.workspace.slug;
    await expectStatus(await call(handler, `/api/workspaces/${slug}/api-keys`, { method: "POST", as: world.a.user, json: { name: "backdoor" }, params: { slug } }), 403);
  },

  "DELETE /api/workspaces/[slug]/api-keys/[id]": async ({ world, handler }) => {
    const id = world.bKeyId;
    const bSlug = world.b.workspace.slug;
    await expectStatus(await call(handler, `/api/workspaces/${bSlug}/api-keys/${id}`, { method: "DELETE", as: world.a.user, params: { slug: bSlug, id } }), 403);
    const aSlug = world.a.workspace.slug;
    await expectStatus(await call(handler, `/api/workspaces/${aSlug}/api-keys/${id}`, { method: "DELETE", as: world.a.user, params: { slug: aSlug, id } }), 404);
  },
};

const endpoints = await discoverEndpoints();

describe("tenant isolation", () => {
  let world: World;

  beforeAll(async () => {
    const [a, b] = await Promise.all([createAccount({ label: "tenant-a" }), createAccount({ label: "tenant-b" })]);
    const aKey = await createApiKey({ workspaceId: a.workspace.id, name: "A admin key", role: "admin", createdById: a.user.id });
    const bMember = await addMember({ workspace: b.workspace, invitedBy: b.user, role: "agent" });
    const bInvitation = await createInvitation({ workspaceId: b.workspace.id, role: "admin", email: uniqueEmail("b-invitee"), createdById: b.user.id });
    const bKey = await createApiKey({ workspaceId: b.workspace.id, name: "B key", role: "admin", createdById: b.user.id });
    const bOwner = await prisma.membership.findUniqueOrThrow({ where: { workspaceId_userId: { workspaceId: b.workspace.id, userId: b.user.id } } });
    const bData = await createConversationData(b.workspace.id);
    const bSandbox = await prisma.channel.findFirstOrThrow({ where: { workspaceId: b.workspace.id, type: "sandbox" }, select: { id: true } });
    const bWhatsApp = await createWhatsAppChannel({ workspaceId: b.workspace.id });
    const bTwilio = await createTwilioChannel({ workspaceId: b.workspace.id });
    world = {
      a,
      aKey: aKey.key,
      b,
      bMembershipId: bMember.membershipId,
      bOwnerMembershipId: bOwner.id,
      bInvitationId: bInvitation.id,
      bInvitationToken: bInvitation.token,
      bKeyId: bKey.id,
      bConversationId: bData.conversationId,
      bMessageId: bData.messageId,
      bWebhookEventId: bData.webhookEventId,
      bSandboxChannelId: bSandbox.id,
      bWhatsAppChannelId: bWhatsApp.id,
      bTwilioChannelId: bTwilio.id,
    };
  });

  it("has a case for every route handler under app/api", () => {
    expect(endpoints.length).toBeGreaterThan(10);
    expect(endpoints.map((e) => e.key).sort()).toEqual(Object.keys(cases).sort());
  });

  for (const endpoint of endpoints) {
    const testCase = cases[endpoint.key];
    if (!testCase || "skip" in testCase) continue;
    it(`${endpoint.key}: workspace A cannot read or change workspace B`, async () => {
      const before = await snapshotWorkspace(world.b.workspace.id);
      await testCase({ world, handler: endpoint.handler });
      expect(await snapshotWorkspace(world.b.workspace.id)).toEqual(before);
    });
  }

  it("documents why each route without an isolation case has none", () => {
    const skipped = Object.entries(cases).filter(([, c]) => "skip" in c);
    for (const [, c] of skipped) expect((c as { skip: string }).skip.length).toBeGreaterThan(10);
    expect(skipped.map(([key]) => key).every((key) => /\/api\/(auth|webhooks|cron|meta)\//.test(key))).toBe(true);
  });
});
