import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { encryptSecret, decryptSecret, decryptJson } from "@/lib/crypto/secrets";
import { refreshExpiringTokens } from "@/lib/channels/lifecycle/refresh-tokens";
import { checkChannelSubscriptions } from "@/lib/channels/lifecycle/check-subscriptions";
import { handleSendMessage } from "@/lib/jobs/handlers/send-message";
import { queueOutboundMessage } from "@/lib/messaging/queue-outbound-message";
import { startFakeProviders, type FakeProviders } from "@/tests/fakes/fake-providers";
import { createAccount } from "@/tests/helpers/factories";
import { createInstagramChannel, createWhatsAppChannel, registerInstagramWithFake, registerWhatsAppWithFake, seedConversation } from "@/tests/helpers/channels";
import * as cronRoute from "@/app/api/cron/[task]/route";
import { call, readJson } from "@/tests/helpers/http";

let fake: FakeProviders;
const APP_ID = "1234567890";
const APP_SECRET = "fake-app-secret-for-refresh";

beforeAll(async () => {
  fake = await startFakeProviders();
  process.env.GRAPH_API_URL = fake.graphUrl;
  process.env.META_APP_ID = APP_ID;
  process.env.META_APP_SECRET = APP_SECRET;
  fake.registerApp(APP_ID, APP_SECRET);
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const DAY = 24 * 3600_000;

async function createUserToken(workspaceId: string, token: string, expiresAt: Date) {
  const user = await prisma.user.findFirstOrThrow({ where: { memberships: { some: { workspaceId } } }, select: { id: true } });
  return prisma.metaUserToken.create({
    data: { workspaceId, metaUserId: `meta-${Math.random()}`, tokenEncrypted: encryptSecret(token), expiresAt, createdById: user.id },
  });
}

describe("token refresh", () => {
  it("exchanges a user token that expires within 14 days for a fresh one and logs it", async () => {
    const { workspace } = await createAccount();
    const oldToken = `EAAOld${Date.now()}`;
    fake.registerToken(oldToken, { type: "USER", appId: APP_ID });
    const row = await createUserToken(workspace.id, oldToken, new Date(Date.now() + 5 * DAY));

    const summary = await refreshExpiringTokens({ workspaceId: workspace.id });

    expect(summary.refreshed).toBe(1);
    const updated = await prisma.metaUserToken.findUniqueOrThrow({ where: { id: row.id } });
    const fresh = decryptSecret(updated.tokenEncrypted);
    expect(fresh).not.toBe(oldToken);
    expect(updated.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 50 * DAY);
    const exchange = fake.requests.find((r) => r.path.endsWith("/oauth/access_token"));
    expect(exchange?.query).toMatchObject({ grant_type: "fb_exchange_token", client_id: APP_ID, fb_exchange_token: oldToken });
    const events = await prisma.tokenEvent.findMany({ where: { workspaceId: workspace.id }, select: { kind: true } });
    expect(events.map((e) => e.kind)).toEqual(["refreshed"]);
  });

  it("logs a failed refresh and flags the channels of an expired, revoked user token as needing re-auth", async () => {
    const { workspace } = await createAccount();
    const revoked = `EAARevoked${Date.now()}`; // never registered on the fake: Meta answers 190
    const userToken = await createUserToken(workspace.id, revoked, new Date(Date.now() - 1000));
    const channel = await createInstagramChannel({ workspaceId: workspace.id });
    const page = await prisma.metaPage.create({ data: { workspaceId: workspace.id, userTokenId: userToken.id, pageId: channel.credentials.pageId, name: "Page" } });
    await prisma.instagramAccount.create({ data: { workspaceId: workspace.id, pageId: page.id, igAccountId: channel.externalId, channelId: channel.id } });

    const summary = await refreshExpiringTokens({ workspaceId: workspace.id });

    expect(summary.failed).toBe(1);
    const after = await prisma.channel.findUniqueOrThrow({ where: { id: channel.id }, select: { status: true, statusReason: true } });
    expect(after).toEqual({ status: "needs_reauth", statusReason: "The Facebook login expired; reconnect Instagram" });
    const kinds = (await prisma.tokenEvent.findMany({ where: { workspaceId: workspace.id }, orderBy: { createdAt: "asc" } })).map((e) => e.kind);
    expect(kinds).toEqual(["refresh_failed", "needs_reauth"]);
  });

  it("warns once a day about a channel token expiring within 7 days and flags it when expired", async () => {
    const { workspace } = await createAccount();
    const expiring = await createWhatsAppChannel({ workspaceId: workspace.id });
    const expired = await createWhatsAppChannel({ workspaceId: workspace.id });
    await prisma.channel.update({ where: { id: expiring.id }, data: { tokenExpiresAt: new Date(Date.now() + 3 * DAY) } });
    await prisma.channel.update({ where: { id: expired.id }, data: { tokenExpiresAt: new Date(Date.now() - DAY) } });

    const first = await refreshExpiringTokens({ workspaceId: workspace.id });
    const second = await refreshExpiringTokens({ workspaceId: workspace.id });

    expect(first).toMatchObject({ warned: 1, expired: 1 });
    expect(second).toMatchObject({ warned: 0 });
    const warning = await prisma.tokenEvent.findFirstOrThrow({ where: { channelId: expiring.id, kind: "expiring" } });
    expect(warning.detail).toMatchObject({ days: 3 });
    expect((await prisma.channel.findUniqueOrThrow({ where: { id: expired.id } })).status).toBe("needs_reauth");
    expect((await prisma.channel.findUniqueOrThrow({ where: { id: expiring.id } })).status).toBe("active");
  });
});

describe("subscription watchdog", () => {
  it("re-subscribes a Page that Meta unsubscribed and tells the owner", async () => {
    const { workspace } = await createAccount();
    const channel = await createInstagramChannel({ workspaceId: workspace.id });
    registerInstagramWithFake(fake, channel);

    const results = await checkChannelSubscriptions({ workspaceId: workspace.id });

    expect(results).toEqual([{ channelId: channel.id, result: "resubscribed" }]);
    const post = fake.requests.find((r) => r.method === "POST" && r.path.endsWith(`/${channel.credentials.pageId}/subscribed_apps`));
    expect(post?.query.subscribed_fields).toContain("messages");
    expect((await prisma.tokenEvent.findFirstOrThrow({ where: { channelId: channel.id } })).kind).toBe("resubscribed");

    // Now subscribed: the next check changes nothing.
    fake.reset();
    expect(await checkChannelSubscriptions({ workspaceId: workspace.id })).toEqual([{ channelId: channel.id, result: "subscribed" }]);
    expect(fake.requests.filter((r) => r.method === "POST")).toHaveLength(0);
    const checked = await prisma.channel.findUniqueOrThrow({ where: { id: channel.id }, select: { subscriptionCheckedAt: true } });
    expect(checked.subscriptionCheckedAt).not.toBeNull();
  });

  it("marks a WhatsApp channel whose token Meta rejects (190) as needing re-auth", async () => {
    const { workspace } = await createAccount();
    const channel = await createWhatsAppChannel({ workspaceId: workspace.id }); // token unknown to the fake

    const results = await checkChannelSubscriptions({ workspaceId: workspace.id });

    expect(results[0]).toMatchObject({ channelId: channel.id, result: "needs_reauth" });
    const after = await prisma.channel.findUniqueOrThrow({ where: { id: channel.id }, select: { status: true, statusReason: true } });
    expect(after.status).toBe("needs_reauth");
    expect(after.statusReason).toBeTruthy();
    expect(after.statusReason).not.toContain(channel.credentials.accessToken);
  });
});

describe("code 190 while sending", () => {
  it("fails the message with a reason, flags the channel, and later sends on it are refused before any request", async () => {
    const { workspace } = await createAccount();
    const channel = await createWhatsAppChannel({ workspaceId: workspace.id });
    registerWhatsAppWithFake(fake, channel);
    const { conversationId } = await seedConversation({ channel, contactExternalId: "15550001111" });
    fake.failNext({
      match: (r) => r.method === "POST" && r.path.endsWith("/messages"),
      status: 401,
      body: { error: { message: "Error validating access token: Session has expired", type: "OAuthException", code: 190, error_subcode: 463, fbtrace_id: "x" } },
    });
    const first = await queueOutboundMessage({ workspaceId: workspace.id, conversationId, message: { type: "text", text: "hi" }, senderType: "agent", compliance: { rule: "inside_window", insideWindow: true, lastInboundAt: null, windowClosesAt: null }, idempotencyKey: `k-${Date.now()}-1` });
    await handleSendMessage({ messageId: first.id }, { retryCount: 0, retryLimit: 8 });

    const failed = await prisma.message.findUniqueOrThrow({ where: { id: first.id } });
    expect(failed.status).toBe("failed");
    expect((await prisma.channel.findUniqueOrThrow({ where: { id: channel.id } })).status).toBe("needs_reauth");

    fake.reset();
    const second = await queueOutboundMessage({ workspaceId: workspace.id, conversationId, message: { type: "text", text: "again" }, senderType: "agent", compliance: { rule: "inside_window", insideWindow: true, lastInboundAt: null, windowClosesAt: null }, idempotencyKey: `k-${Date.now()}-2` });
    await handleSendMessage({ messageId: second.id }, { retryCount: 0, retryLimit: 8 });
    expect(fake.requests).toHaveLength(0);
    expect((await prisma.message.findUniqueOrThrow({ where: { id: second.id } })).errorMessage).toMatch(/reconnected/);
  });
});

describe("cron routes", () => {
  it("refuses calls without the right bearer secret and runs the task with it", async () => {
    process.env.CRON_SECRET = "cron-secret-for-tests-0123456789";
    const denied = await call(cronRoute.GET, "/api/cron/watch-subscriptions", { params: { task: "watch-subscriptions" }, headers: { authorization: "Bearer wrong" } });
    expect(denied.status).toBe(401);
    const missing = await call(cronRoute.GET, "/api/cron/watch-subscriptions", { params: { task: "watch-subscriptions" } });
    expect(missing.status).toBe(401);
    const unknown = await call(cronRoute.GET, "/api/cron/nope", { params: { task: "nope" }, headers: { authorization: `Bearer ${process.env.CRON_SECRET}` } });
    expect(unknown.status).toBe(404);
    delete process.env.CRON_SECRET;
    const unconfigured = await call(cronRoute.GET, "/api/cron/drain", { params: { task: "drain" }, headers: { authorization: "Bearer anything" } });
    expect(unconfigured.status).toBe(403);
    expect((await readJson(unconfigured)).error.message).toMatch(/CRON_SECRET/);
  });
});

describe("secrets at rest", () => {
  it("stores no plaintext token or secret anywhere in the database", async () => {
    const { workspace } = await createAccount();
    const wa = await createWhatsAppChannel({ workspaceId: workspace.id });
    const ig = await createInstagramChannel({ workspaceId: workspace.id });
    const userToken = `EAAUserSecret${Date.now()}`;
    await createUserToken(workspace.id, userToken, new Date(Date.now() + 60 * DAY));
    const secrets = [wa.credentials.accessToken, wa.credentials.appSecret, ig.credentials.pageAccessToken, userToken];

    const tables = await prisma.$queryRaw<{ table_name: string }[]>`
      SELECT table_name::text AS table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`;
    let dump = "";
    for (const { table_name } of tables) {
      const rows = await prisma.$queryRawUnsafe<{ row: unknown }[]>(`SELECT row_to_json(t)::text AS row FROM "${table_name}" t`);
      dump += rows.map((r) => String(r.row)).join("\n");
    }
    expect(dump.length).toBeGreaterThan(1000);
    for (const secret of secrets) expect(dump).not.toContain(secret);
    // …and they are all still readable with the key.
    const stored = await prisma.channel.findUniqueOrThrow({ where: { id: wa.id }, select: { credentialsEncrypted: true } });
    expect(decryptJson(stored.credentialsEncrypted!)).toMatchObject({ accessToken: wa.credentials.accessToken });
  });
});
