// Managing connected channels: template sync, new credentials / reconnect, disconnect, the
// health view, and who may do what. Provider calls go to the fake Graph / Twilio server.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getDetails } from "@/app/api/channels/[id]/route";
import { POST as disconnect } from "@/app/api/channels/[id]/disconnect/route";
import { GET as listTemplates } from "@/app/api/channels/[id]/templates/route";
import { POST as syncTemplates } from "@/app/api/channels/[id]/templates/sync/route";
import { POST as connectWhatsApp } from "@/app/api/channels/whatsapp/route";
import { PUT as updateWhatsApp } from "@/app/api/channels/whatsapp/[id]/route";
import { decryptJson, maskSecret } from "@/lib/crypto/secrets";
import { prisma } from "@/lib/db/client";
import { startFakeProviders, type FakeProviders, type FakeTemplate } from "@/tests/fakes/fake-providers";
import { createTwilioChannel, createWhatsAppChannel, getSandboxChannel, randomDigits, registerWhatsAppWithFake, seedConversation } from "../helpers/channels";
import { addMember, createAccount, type TestAccount, type TestUser } from "../helpers/factories";
import { call, readJson, type RouteHandler } from "../helpers/http";
import { TEST_BASE_URL } from "../helpers/test-env";

let fake: FakeProviders;
let account: TestAccount;
let agent: TestUser;

beforeAll(async () => {
  fake = await startFakeProviders();
  process.env.GRAPH_API_URL = fake.graphUrl;
  process.env.TWILIO_API_URL = fake.twilioUrl;
  account = await createAccount({ label: "ch-manage" });
  agent = (await addMember({ workspace: account.workspace, invitedBy: account.user, role: "agent" })).user;
});

afterAll(async () => {
  await fake.close();
});

type CallOptions = { as?: TestUser; json?: unknown; method?: string };

function callChannel(handler: RouteHandler, path: string, id: string, { as = account.user, json, method = "POST" }: CallOptions = {}) {
  return call(handler, path, { method, as, json, headers: { "x-workspace": account.workspace.slug }, params: { id } });
}

const templatesFor = (count: number, prefix = "tpl"): FakeTemplate[] =>
  Array.from({ length: count }, (_, index) => ({
    id: String(700_000_000_000 + index),
    name: `${prefix}_${String(index).padStart(3, "0")}`,
    language: index % 2 === 0 ? "en_US" : "pt_BR",
    category: "UTILITY",
    status: "APPROVED",
    components: [{ type: "BODY", text: `Hello {{1}}, order ${index}` }],
  }));

async function connectedWhatsApp() {
  const input = {
    phoneNumberId: randomDigits(15),
    wabaId: randomDigits(15),
    accessToken: `EAAGmanage${randomBytes(24).toString("hex")}`,
    appSecret: randomBytes(16).toString("hex"),
  };
  fake.registerToken(input.accessToken, { type: "SYSTEM_USER" });
  fake.registerPhoneNumber({ id: input.phoneNumberId, displayPhoneNumber: "+1 555-020-3040", verifiedName: "Manage Co" });
  return input;
}

describe("template sync", () => {
  it("syncs every page after connecting, then updates statuses and marks templates Meta no longer lists as DELETED", async () => {
    const input = await connectedWhatsApp();
    const first = templatesFor(130);
    fake.setTemplates(input.wabaId, first);
    const res = await call(connectWhatsApp, "/api/channels/whatsapp", { method: "POST", as: account.user, json: input, headers: { "x-workspace": account.workspace.slug } });
    expect(res.status).toBe(201);
    const { channel, templates } = await readJson(res);
    expect(templates).toEqual({ synced: 130, deleted: 0 });

    // Two pages (limit 100), the second reached through paging.next, the token always in the header.
    const pages = fake.requests.filter((request) => request.path.endsWith(`/${input.wabaId}/message_templates`));
    expect(pages).toHaveLength(2);
    expect(pages[0].query).toMatchObject({ fields: "name,language,category,status,components,rejected_reason", limit: "100" });
    expect(pages[1].query.after).toBeTruthy();
    for (const page of pages) {
      expect(page.headers.authorization).toBe(`Bearer ${input.accessToken}`);
      expect(page.query.access_token).toBeUndefined();
    }
    expect(await prisma.messageTemplate.count({ where: { channelId: channel.id } })).toBe(130);

    // Meta now lists 120 of them, one rejected and one new.
    const second: FakeTemplate[] = [
      ...first.slice(0, 119).map((template) => (template.name === "tpl_005" ? { ...template, status: "REJECTED", rejected_reason: "INVALID_FORMAT" } : template)),
      { name: "order_update", language: "en_US", category: "UTILITY", status: "PENDING", rejected_reason: "NONE", components: [] },
    ];
    fake.setTemplates(input.wabaId, second);
    const sync = await callChannel(syncTemplates, `/api/channels/${channel.id}/templates/sync`, channel.id);
    expect(sync.status).toBe(200);
    expect(await readJson(sync)).toMatchObject({ synced: 120, deleted: 11 });

    const rows = await prisma.messageTemplate.findMany({ where: { channelId: channel.id } });
    expect(rows).toHaveLength(131);
    const byName = new Map(rows.map((row) => [`${row.name}/${row.language}`, row]));
    expect(byName.get("tpl_005/pt_BR")).toMatchObject({ status: "REJECTED", reason: "INVALID_FORMAT" });
    expect(byName.get("order_update/en_US")).toMatchObject({ status: "PENDING", reason: null, workspaceId: account.workspace.id });
    expect(byName.get("tpl_000/en_US")).toMatchObject({ status: "APPROVED", category: "UTILITY", externalId: "700000000000" });
    expect(byName.get("tpl_000/en_US")!.components).toEqual([{ type: "BODY", text: "Hello {{1}}, order 0" }]);
    expect(rows.filter((row) => row.status === "DELETED").map((row) => row.name).sort()).toEqual(first.slice(119).map((template) => template.name).sort());

    // A second sync with nothing changed changes nothing (idempotent).
    const again = await callChannel(syncTemplates, `/api/channels/${channel.id}/templates/sync`, channel.id);
    expect(await readJson(again)).toMatchObject({ synced: 120, deleted: 0 });

    // Everyone in the workspace can read them; deleted ones come last.
    const list = await callChannel(listTemplates, `/api/channels/${channel.id}/templates`, channel.id, { as: agent, method: "GET" });
    expect(list.status).toBe(200);
    const body = await readJson(list);
    expect(body.templates).toHaveLength(131);
    expect(body.templates.at(-1).status).toBe("DELETED");
    expect(body.templates[0].status).not.toBe("DELETED");
    expect(body.syncedAt).toBeTruthy();
  });

  it("changes nothing when a page fails, and marks the channel needs re-auth when Meta rejects its token", async () => {
    const input = await connectedWhatsApp();
    fake.setTemplates(input.wabaId, templatesFor(150, "keep"));
    const res = await call(connectWhatsApp, "/api/channels/whatsapp", { method: "POST", as: account.user, json: input, headers: { "x-workspace": account.workspace.slug } });
    const { channel } = await readJson(res);
    fake.setTemplates(input.wabaId, templatesFor(3, "other"));

    fake.failNext({ match: (request) => request.path.endsWith("/message_templates"), status: 500 });
    const failed = await callChannel(syncTemplates, `/api/channels/${channel.id}/templates/sync`, channel.id);
    expect(failed.status).toBe(502);
    expect(await prisma.messageTemplate.count({ where: { channelId: channel.id, status: "DELETED" } })).toBe(0);

    fake.failNext({
      match: (request) => request.path.endsWith("/message_templates"),
      status: 401,
      body: { error: { message: "Error validating access token: Session has expired", type: "OAuthException", code: 190, error_subcode: 463 } },
    });
    const rejected = await callChannel(syncTemplates, `/api/channels/${channel.id}/templates/sync`, channel.id);
    expect(rejected.status).toBe(422);
    expect(await prisma.channel.findUniqueOrThrow({ where: { id: channel.id }, select: { status: true } })).toEqual({ status: "needs_reauth" });
    expect(await prisma.messageTemplate.count({ where: { channelId: channel.id, status: "DELETED" } })).toBe(0);
  });

  it("answers 404 for a channel that is not WhatsApp, and 403 to agents", async () => {
    const sandbox = await getSandboxChannel(account.workspace.id);
    expect((await callChannel(syncTemplates, `/api/channels/${sandbox.id}/templates/sync`, sandbox.id)).status).toBe(404);
    const channel = await createWhatsAppChannel({ workspaceId: account.workspace.id });
    expect((await callChannel(syncTemplates, `/api/channels/${channel.id}/templates/sync`, channel.id, { as: agent })).status).toBe(403);
  });
});

describe("PUT /api/channels/whatsapp/[id]", () => {
  it("reconnects a needs-re-auth channel with a new token, keeping the verify token and the app secret", async () => {
    const channel = await createWhatsAppChannel({ workspaceId: account.workspace.id, status: "needs_reauth" });
    await prisma.channel.update({ where: { id: channel.id }, data: { statusReason: "The connection to Meta expired or was revoked" } });
    const newToken = `EAAGnew${randomBytes(24).toString("hex")}`;
    fake.registerToken(newToken, { type: "SYSTEM_USER" });
    fake.registerPhoneNumber({ id: channel.externalId });
    const json = { phoneNumberId: channel.externalId, wabaId: channel.credentials.wabaId, accessToken: newToken };
    const res = await callChannel(updateWhatsApp, `/api/channels/whatsapp/${channel.id}`, channel.id, { method: "PUT", json });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    expect(text).not.toContain(newToken);
    expect(text).not.toContain(channel.credentials.appSecret);
    const body = JSON.parse(text);
    expect(body.channel).toMatchObject({ id: channel.id, status: "active", statusReason: null });
    expect(body.setup.verifyToken).toBe(channel.credentials.verifyToken);

    const row = await prisma.channel.findUniqueOrThrow({ where: { id: channel.id }, omit: { credentialsEncrypted: false } });
    expect(decryptJson(row.credentialsEncrypted!)).toEqual({ ...channel.credentials, accessToken: newToken });
    const events = await prisma.tokenEvent.findMany({ where: { channelId: channel.id }, select: { kind: true } });
    expect(events.map((event) => event.kind)).toEqual(["reconnected"]);
  });

  it("keeps the old credentials when Meta rejects the new token, and refuses another number", async () => {
    const channel = await createWhatsAppChannel({ workspaceId: account.workspace.id, status: "needs_reauth" });
    registerWhatsAppWithFake(fake, channel);
    const before = await prisma.channel.findUniqueOrThrow({ where: { id: channel.id }, omit: { credentialsEncrypted: false } });
    const base = { phoneNumberId: channel.externalId, wabaId: channel.credentials.wabaId, appSecret: channel.credentials.appSecret };
    const wrong = await callChannel(updateWhatsApp, `/api/channels/whatsapp/${channel.id}`, channel.id, { method: "PUT", json: { ...base, accessToken: `EAAGnope${randomBytes(20).toString("hex")}` } });
    expect(wrong.status).toBe(422);
    expect((await readJson(wrong)).error.field).toBe("accessToken");
    const otherNumber = await callChannel(updateWhatsApp, `/api/channels/whatsapp/${channel.id}`, channel.id, {
      method: "PUT",
      json: { ...base, phoneNumberId: randomDigits(15), accessToken: channel.credentials.accessToken },
    });
    expect(otherNumber.status).toBe(422);
    expect((await readJson(otherNumber)).error.field).toBe("phoneNumberId");
    expect(await prisma.channel.findUniqueOrThrow({ where: { id: channel.id }, omit: { credentialsEncrypted: false } })).toEqual(before);
  });

  it("answers 403 to an agent and 404 for another workspace's channel", async () => {
    const channel = await createWhatsAppChannel({ workspaceId: account.workspace.id });
    const json = { phoneNumberId: channel.externalId, wabaId: channel.credentials.wabaId, accessToken: channel.credentials.accessToken };
    expect((await callChannel(updateWhatsApp, `/api/channels/whatsapp/${channel.id}`, channel.id, { method: "PUT", json, as: agent })).status).toBe(403);
    const other = await createAccount({ label: "wa-foreign" });
    const foreign = await createWhatsAppChannel({ workspaceId: other.workspace.id });
    registerWhatsAppWithFake(fake, foreign);
    const res = await callChannel(updateWhatsApp, `/api/channels/whatsapp/${foreign.id}`, foreign.id, {
      method: "PUT",
      json: { phoneNumberId: foreign.externalId, wabaId: foreign.credentials.wabaId, accessToken: foreign.credentials.accessToken },
    });
    expect(res.status).toBe(404);
    expect(fake.requests.some((request) => request.path.includes(foreign.externalId))).toBe(false);
  });
});

describe("POST /api/channels/[id]/disconnect", () => {
  it("unsubscribes the WABA at Meta, deletes the credentials and keeps the conversations", async () => {
    const channel = await createWhatsAppChannel({ workspaceId: account.workspace.id });
    registerWhatsAppWithFake(fake, channel);
    const { conversationId } = await seedConversation({ channel, contactExternalId: randomDigits(11) });
    const res = await callChannel(disconnect, `/api/channels/${channel.id}/disconnect`, channel.id);
    const text = await res.text();
    expect(res.status, text).toBe(200);
    expect(JSON.parse(text)).toMatchObject({ channel: { id: channel.id, status: "disconnected" }, unsubscribed: true });
    expect(text).not.toContain(channel.credentials.accessToken);

    const unsubscribe = fake.requests.filter((request) => request.method === "DELETE" && request.path.endsWith(`/${channel.credentials.wabaId}/subscribed_apps`));
    expect(unsubscribe).toHaveLength(1);
    expect(unsubscribe[0].headers.authorization).toBe(`Bearer ${channel.credentials.accessToken}`);

    const row = await prisma.channel.findUniqueOrThrow({ where: { id: channel.id }, omit: { credentialsEncrypted: false } });
    expect(row).toMatchObject({ status: "disconnected", credentialsEncrypted: null });
    expect(await prisma.conversation.count({ where: { id: conversationId } })).toBe(1);
    const events = await prisma.tokenEvent.findMany({ where: { channelId: channel.id }, select: { kind: true } });
    expect(events.map((event) => event.kind)).toEqual(["revoked"]);

    // Again: nothing more happens.
    const again = await callChannel(disconnect, `/api/channels/${channel.id}/disconnect`, channel.id);
    expect(again.status).toBe(200);
    expect(await prisma.tokenEvent.count({ where: { channelId: channel.id } })).toBe(1);
  });

  it("disconnects even when Meta refuses the unsubscription", async () => {
    const channel = await createWhatsAppChannel({ workspaceId: account.workspace.id });
    // The token is not registered with the fake: Meta answers 190.
    const res = await callChannel(disconnect, `/api/channels/${channel.id}/disconnect`, channel.id);
    expect(res.status).toBe(200);
    expect((await readJson(res)).unsubscribed).toBe(false);
    expect(await prisma.channel.findUniqueOrThrow({ where: { id: channel.id }, select: { status: true, credentialsEncrypted: true } })).toEqual({
      status: "disconnected",
      credentialsEncrypted: null,
    });
  });

  it("deletes a Twilio channel's credentials", async () => {
    const channel = await createTwilioChannel({ workspaceId: account.workspace.id });
    const res = await callChannel(disconnect, `/api/channels/${channel.id}/disconnect`, channel.id);
    expect(res.status).toBe(200);
    const row = await prisma.channel.findUniqueOrThrow({ where: { id: channel.id }, omit: { credentialsEncrypted: false } });
    expect(row).toMatchObject({ status: "disconnected", credentialsEncrypted: null, externalId: channel.externalId });
  });

  it("answers 409 for the Sandbox, 403 to an agent and 404 for another workspace's channel", async () => {
    const sandbox = await getSandboxChannel(account.workspace.id);
    const sandboxRes = await callChannel(disconnect, `/api/channels/${sandbox.id}/disconnect`, sandbox.id);
    expect(sandboxRes.status).toBe(409);
    expect((await prisma.channel.findUniqueOrThrow({ where: { id: sandbox.id } })).status).toBe("active");

    const channel = await createTwilioChannel({ workspaceId: account.workspace.id });
    expect((await callChannel(disconnect, `/api/channels/${channel.id}/disconnect`, channel.id, { as: agent })).status).toBe(403);

    const other = await createAccount({ label: "dc-foreign" });
    const foreign = await createWhatsAppChannel({ workspaceId: other.workspace.id });
    const res = await callChannel(disconnect, `/api/channels/${foreign.id}/disconnect`, foreign.id);
    expect(res.status).toBe(404);
    expect((await prisma.channel.findUniqueOrThrow({ where: { id: foreign.id } })).status).toBe("active");
  });

  it("revives the same channel when its number is connected again in the same workspace", async () => {
    const input = await connectedWhatsApp();
    const post = () => call(connectWhatsApp, "/api/channels/whatsapp", { method: "POST", as: account.user, json: input, headers: { "x-workspace": account.workspace.slug } });
    const { channel } = await readJson(await post());
    await callChannel(disconnect, `/api/channels/${channel.id}/disconnect`, channel.id);
    const again = await post();
    expect(again.status).toBe(201);
    expect((await readJson(again)).channel).toMatchObject({ id: channel.id, status: "active" });
    const events = await prisma.tokenEvent.findMany({ where: { channelId: channel.id }, orderBy: { createdAt: "asc" }, select: { kind: true } });
    expect(events.map((event) => event.kind)).toEqual(["connected", "revoked", "reconnected"]);
  });
});

describe("GET /api/channels/[id]", () => {
  it("shows health, masked credential hints, the setup values and the token log to owners; never a secret", async () => {
    const channel = await createWhatsAppChannel({ workspaceId: account.workspace.id });
    const expiresAt = new Date(Date.now() + 5 * 86_400_000 - 60_000);
    await prisma.channel.update({ where: { id: channel.id }, data: { tokenExpiresAt: expiresAt } });
    const receivedAt = new Date(Date.now() - 3_600_000);
    for (const offset of [0, 60_000]) {
      await prisma.webhookEvent.create({
        data: {
          provider: "whatsapp_cloud", workspaceId: account.workspace.id, channelId: channel.id, dedupeKey: `detail-${randomBytes(8).toString("hex")}`,
          body: "{}", contentType: "application/json", receivedAt: new Date(receivedAt.getTime() - offset),
        },
      });
    }
    await prisma.tokenEvent.create({ data: { workspaceId: account.workspace.id, channelId: channel.id, kind: "expiring", detail: { days: 5 } } });

    const res = await callChannel(getDetails, `/api/channels/${channel.id}`, channel.id, { method: "GET" });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    for (const secret of [channel.credentials.accessToken, channel.credentials.appSecret]) expect(text).not.toContain(secret);
    const body = JSON.parse(text);
    expect(body.health).toMatchObject({ status: "active", tokenDaysLeft: 5, lastWebhookAt: receivedAt.toISOString() });
    expect(body.credentials).toEqual([
      { name: "phoneNumberId", label: "Phone number ID", value: channel.externalId, isMasked: false },
      { name: "wabaId", label: "WhatsApp Business Account ID", value: channel.credentials.wabaId, isMasked: false },
      { name: "accessToken", label: "Access token", value: maskSecret(channel.credentials.accessToken), isMasked: true },
      { name: "appSecret", label: "App secret", value: maskSecret(channel.credentials.appSecret), isMasked: true },
    ]);
    expect(body.credentials[2].value).toMatch(/^EAAG…\w{3}$/);
    expect(body.setup).toEqual({ type: "whatsapp_cloud", callbackUrl: `${TEST_BASE_URL}/api/webhooks/whatsapp/${channel.id}`, verifyToken: channel.credentials.verifyToken });
    expect(body.tokenEvents).toEqual([expect.objectContaining({ kind: "expiring" })]);
  });

  it("shows agents the health but no credential hints and no verify token", async () => {
    const channel = await createWhatsAppChannel({ workspaceId: account.workspace.id });
    const res = await callChannel(getDetails, `/api/channels/${channel.id}`, channel.id, { method: "GET", as: agent });
    const text = await res.text();
    expect(res.status).toBe(200);
    const body = JSON.parse(text);
    expect(body.credentials).toBeNull();
    expect(body.setup.verifyToken).toBeNull();
    expect(text).not.toContain(channel.credentials.verifyToken);
  });

  it("answers 404 for another workspace's channel, on every channel route", async () => {
    const other = await createAccount({ label: "detail-foreign" });
    const foreign = await createWhatsAppChannel({ workspaceId: other.workspace.id });
    const routes: [RouteHandler, string, string][] = [
      [getDetails, `/api/channels/${foreign.id}`, "GET"],
      [listTemplates, `/api/channels/${foreign.id}/templates`, "GET"],
      [syncTemplates, `/api/channels/${foreign.id}/templates/sync`, "POST"],
      [disconnect, `/api/channels/${foreign.id}/disconnect`, "POST"],
    ];
    for (const [handler, path, method] of routes) {
      const res = await callChannel(handler, path, foreign.id, { method });
      const text = await res.text();
      expect(res.status, path).toBe(404);
      expect(text).not.toContain(foreign.externalId);
    }
  });
});
