// Connecting Instagram with Facebook Login, through the real route handlers, a real database
// and the fake Graph API: start → Facebook's redirect back → choose accounts → connect. Nothing
// is stored before "Connect selected"; then only encrypted tokens are. Every refusal (cancelled
// login, missing permission, forged / replayed / foreign state, account of another workspace,
// failed webhook subscription) is checked to leave nothing behind.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GET as callbackRoute } from "@/app/api/oauth/instagram/callback/route";
import { POST as connectRoute } from "@/app/api/oauth/instagram/connect/route";
import { GET as startRoute } from "@/app/api/oauth/instagram/start/route";
import { decryptJson, decryptSecret } from "@/lib/crypto/secrets";
import { prisma } from "@/lib/db/client";
import { PAGE_SUBSCRIBED_FIELDS_PARAM } from "@/lib/meta/subscribed-fields";
import { INSTAGRAM_SCOPES } from "@/lib/oauth/instagram-scopes";
import { createOAuthState } from "@/lib/oauth/oauth-state";
import { openPendingSelection } from "@/lib/oauth/pending-selection";
import { FAKE_DEFAULTS, startFakeProviders, type FakePage, type FakePermission, type FakeProviders } from "@/tests/fakes/fake-providers";
import { createInstagramChannel, randomDigits } from "../helpers/channels";
import { addMember, createAccount, snapshotWorkspace, type TestAccount, type TestUser } from "../helpers/factories";
import { readJson, sessionCookie } from "../helpers/http";
import { TEST_BASE_URL } from "../helpers/test-env";

const APP_ID = randomDigits(15);
const APP_SECRET = randomBytes(16).toString("hex");
const NONCE_COOKIE = "sb_ig_oauth_nonce";
const PENDING_COOKIE = "sb_ig_pending";
const CALLBACK_URL = `${TEST_BASE_URL}/api/oauth/instagram/callback`;

let fake: FakeProviders;
let registeredPages: string[] = [FAKE_DEFAULTS.pageId, FAKE_DEFAULTS.secondPageId];

const GRANTED: FakePermission[] = [
  { permission: "public_profile", status: "granted" },
  { permission: "pages_show_list", status: "granted" },
  { permission: "pages_manage_metadata", status: "granted" },
  { permission: "pages_messaging", status: "granted" },
  { permission: "instagram_basic", status: "granted" },
  { permission: "instagram_manage_messages", status: "granted" },
  { permission: "instagram_manage_comments", status: "declined" },
];

beforeAll(async () => {
  fake = await startFakeProviders();
  process.env.GRAPH_API_URL = fake.graphUrl;
  process.env.FACEBOOK_DIALOG_URL = fake.dialogUrl;
  process.env.META_APP_ID = APP_ID;
  process.env.META_APP_SECRET = APP_SECRET;
  fake.registerApp(APP_ID, APP_SECRET);
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  fake.reset();
  fake.setPermissions(GRANTED);
  fake.setAccountsPageSize(null);
  fake.setLoginUser({ id: randomDigits(16), name: "Fran Facebook" });
});

type TestPage = { id: string; name: string; accessToken: string; igAccountId?: string; igUsername?: string };

/** Replaces the Pages the Facebook user manages with fresh ones (unique ids: files share the database). */
function usePages(specs: { withInstagram: boolean }[]): TestPage[] {
  for (const id of registeredPages) fake.removePage(id);
  const pages = specs.map(({ withInstagram }, index) => {
    const suffix = randomBytes(3).toString("hex");
    const page: FakePage = {
      id: randomDigits(15),
      name: `Page ${index} ${suffix}`,
      accessToken: `EAAGpage${randomBytes(20).toString("hex")}`,
      ...(withInstagram ? { igAccountId: `1784${randomDigits(13)}`, igUsername: `shop_${suffix}`, igName: `Shop ${suffix}`, igPictureUrl: `https://scontent.example.com/${suffix}.jpg` } : {}),
    };
    fake.registerPage(page);
    return page;
  });
  registeredPages = pages.map((page) => page.id);
  return pages;
}

function setCookies(res: Response): string[] {
  return res.headers.getSetCookie();
}

function cookieValue(res: Response, name: string): string | undefined {
  const header = setCookies(res).find((cookie) => cookie.startsWith(`${name}=`));
  if (!header) return undefined;
  return decodeURIComponent(header.slice(name.length + 1).split(";")[0]);
}

async function cookieHeader(user: TestUser | null, cookies: Record<string, string | undefined> = {}) {
  const parts = user ? [await sessionCookie(user)] : [];
  for (const [name, value] of Object.entries(cookies)) if (value !== undefined) parts.push(`${name}=${encodeURIComponent(value)}`);
  return parts.join("; ");
}

async function get(handler: typeof startRoute, path: string, { user, cookies, html = false }: { user: TestUser | null; cookies?: Record<string, string | undefined>; html?: boolean }) {
  const headers = new Headers({ cookie: await cookieHeader(user, cookies) });
  if (html) headers.set("accept", "text/html,application/xhtml+xml");
  return handler(new Request(new URL(path, TEST_BASE_URL), { headers }));
}

async function start(account: TestAccount, user: TestUser = account.user) {
  const res = await get(startRoute, `/api/oauth/instagram/start?workspace=${account.workspace.slug}`, { user, html: true });
  expect(res.status, await res.clone().text()).toBe(303);
  const dialog = new URL(res.headers.get("location")!);
  return { res, dialog, state: dialog.searchParams.get("state")!, nonce: cookieValue(res, NONCE_COOKIE)! };
}

type Flow = { state: string; nonce: string };

function callback(user: TestUser | null, query: Record<string, string>, cookies: Record<string, string | undefined>, { html = true } = {}) {
  return get(callbackRoute, `/api/oauth/instagram/callback?${new URLSearchParams(query)}`, { user, cookies, html });
}

/** Start and come back from Facebook with a code: the pending selection cookie. */
async function loginAndChoose(account: TestAccount): Promise<{ pending: string; flow: Flow; res: Response }> {
  const flow = await start(account);
  const res = await callback(account.user, { code: `code-${randomBytes(8).toString("hex")}`, state: flow.state }, { [NONCE_COOKIE]: flow.nonce });
  expect(res.status, await res.clone().text()).toBe(303);
  expect(res.headers.get("location")).toBe(`${TEST_BASE_URL}/${account.workspace.slug}/settings/channels/instagram/select`);
  return { pending: cookieValue(res, PENDING_COOKIE)!, flow, res };
}

async function connect(account: TestAccount, igAccountIds: string[], pending: string | undefined, user: TestUser = account.user) {
  const headers = new Headers({ cookie: await cookieHeader(user, { [PENDING_COOKIE]: pending }), "content-type": "application/json", "x-workspace": account.workspace.slug });
  return connectRoute(new Request(`${TEST_BASE_URL}/api/oauth/instagram/connect`, { method: "POST", headers, body: JSON.stringify({ igAccountIds }) }), { params: Promise.resolve({}) });
}

/** Every row this feature writes for a workspace, secrets included. */
async function storedRows(workspaceId: string) {
  const [tokens, pages, channels, accounts, events] = await Promise.all([
    prisma.metaUserToken.findMany({ where: { workspaceId } }),
    prisma.metaPage.findMany({ where: { workspaceId } }),
    prisma.channel.findMany({ where: { workspaceId, type: "instagram" }, omit: { credentialsEncrypted: false } }),
    prisma.instagramAccount.findMany({ where: { workspaceId } }),
    prisma.tokenEvent.findMany({ where: { workspaceId } }),
  ]);
  return { tokens, pages, channels, accounts, events };
}

async function expectNothingStored(account: TestAccount) {
  const rows = await storedRows(account.workspace.id);
  expect(rows).toEqual({ tokens: [], pages: [], channels: [], accounts: [], events: [] });
}

const oauthRequests = () => fake.requests.filter((request) => request.provider === "graph" && request.path.endsWith("/oauth/access_token"));

describe("GET /api/oauth/instagram/start", () => {
  it("redirects an owner to the Facebook Login dialog with a signed state bound to this browser, storing nothing", async () => {
    const account = await createAccount({ label: "ig-start" });
    const before = await snapshotWorkspace(account.workspace.id);
    const { res, dialog, state, nonce } = await start(account);
    expect(`${dialog.origin}${dialog.pathname}`).toBe(`${fake.dialogUrl}/v24.0/dialog/oauth`);
    expect(Object.fromEntries(dialog.searchParams)).toEqual({
      client_id: APP_ID,
      redirect_uri: CALLBACK_URL,
      state,
      response_type: "code",
      auth_type: "rerequest",
      scope: INSTAGRAM_SCOPES.join(","),
    });
    const cookie = setCookies(res).find((value) => value.startsWith(`${NONCE_COOKIE}=`))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\/api\/oauth\/instagram/);
    expect(cookie).toMatch(/Max-Age=600/);
    expect(state).not.toContain(nonce);
    expect(await snapshotWorkspace(account.workspace.id)).toEqual(before);
  });

  it("answers 401 JSON to a script and sends a browser to sign in first, coming back afterwards", async () => {
    const account = await createAccount({ label: "ig-anon" });
    const json = await get(startRoute, `/api/oauth/instagram/start?workspace=${account.workspace.slug}`, { user: null });
    expect(json.status).toBe(401);
    expect((await readJson(json)).error.code).toBe("unauthorized");
    const browser = await get(startRoute, `/api/oauth/instagram/start?workspace=${account.workspace.slug}`, { user: null, html: true });
    expect(browser.status).toBe(303);
    const login = new URL(browser.headers.get("location")!);
    expect(login.pathname).toBe("/login");
    expect(login.searchParams.get("callbackUrl")).toBe(`/api/oauth/instagram/start?workspace=${account.workspace.slug}`);
  });

  it("refuses agents, non-members and a missing workspace", async () => {
    const owner = await createAccount({ label: "ig-roles" });
    const agent = await addMember({ workspace: owner.workspace, invitedBy: owner.user, role: "agent" });
    const stranger = await createAccount({ label: "ig-stranger" });
    const asAgent = await get(startRoute, `/api/oauth/instagram/start?workspace=${owner.workspace.slug}`, { user: agent.user });
    expect(asAgent.status).toBe(403);
    expect((await readJson(asAgent)).error.message).toBe("Only owners and admins can connect Instagram");
    const asStranger = await get(startRoute, `/api/oauth/instagram/start?workspace=${owner.workspace.slug}`, { user: stranger.user });
    expect(asStranger.status).toBe(403);
    expect(await asStranger.text()).not.toContain(owner.workspace.name);
    expect((await get(startRoute, "/api/oauth/instagram/start", { user: owner.user })).status).toBe(400);
  });

  it("explains what to set when the server has no Meta app, as JSON and as a page", async () => {
    const account = await createAccount({ label: "ig-unconfigured" });
    const saved = process.env.META_APP_ID;
    delete process.env.META_APP_ID;
    try {
      const json = await get(startRoute, `/api/oauth/instagram/start?workspace=${account.workspace.slug}`, { user: account.user });
      expect(json.status).toBe(400);
      expect((await readJson(json)).error.message).toBe("Instagram is not configured on this server: set META_APP_ID and META_APP_SECRET");
      const page = await get(startRoute, `/api/oauth/instagram/start?workspace=${account.workspace.slug}`, { user: account.user, html: true });
      expect(page.status).toBe(400);
      expect(page.headers.get("content-type")).toMatch(/text\/html/);
      expect(await page.text()).toContain("set META_APP_ID and META_APP_SECRET");
    } finally {
      process.env.META_APP_ID = saved;
    }
  });
});

describe("the full connection", () => {
  it("stores nothing until the owner chooses, then only encrypted tokens; the channel is active and subscribed", async () => {
    const [withInstagram] = usePages([{ withInstagram: true }, { withInstagram: false }]);
    const account = await createAccount({ label: "ig-round-trip" });
    const { pending, flow, res } = await loginAndChoose(account);

    // After the callback: a pending selection in an encrypted cookie, nothing in the database.
    await expectNothingStored(account);
    const pendingCookie = setCookies(res).find((value) => value.startsWith(`${PENDING_COOKIE}=`))!;
    expect(pendingCookie).toMatch(/HttpOnly/);
    expect(pendingCookie).toMatch(/SameSite=Lax/);
    expect(setCookies(res).find((value) => value.startsWith(`${NONCE_COOKIE}=`))).toMatch(/Max-Age=0/);
    expect(pending).not.toMatch(/EAA/);
    const selection = openPendingSelection({ value: pending, userId: account.user.id, workspaceId: account.workspace.id })!;
    expect(selection.pages).toHaveLength(2);
    expect(selection.pages.find((page) => page.id === withInstagram.id)?.instagram).toEqual({ id: withInstagram.igAccountId, username: withInstagram.igUsername, name: expect.any(String) });
    expect(selection.pages.find((page) => page.id !== withInstagram.id)?.instagram).toBeNull();
    expect(selection.missingOptionalScopes).toContain("instagram_manage_comments");

    // The code was exchanged with the same redirect_uri as the dialog, then for a long-lived token.
    const [exchange, longLived] = oauthRequests();
    expect(exchange.query).toMatchObject({ client_id: APP_ID, client_secret: APP_SECRET, redirect_uri: CALLBACK_URL });
    expect(longLived.query).toMatchObject({ grant_type: "fb_exchange_token", client_id: APP_ID });
    expect(flow.state).toBeTruthy();

    // Connect selected.
    const connected = await connect(account, [withInstagram.igAccountId!], pending);
    const body = await readJson(connected);
    expect(connected.status, JSON.stringify(body)).toBe(200);
    expect(body.failed).toEqual([]);
    expect(body.connected).toEqual([{ channelId: expect.any(String), igAccountId: withInstagram.igAccountId, username: withInstagram.igUsername, name: `@${withInstagram.igUsername}`, reconnected: false }]);
    expect(setCookies(connected).find((value) => value.startsWith(`${PENDING_COOKIE}=`))).toMatch(/Max-Age=0/);

    const subscribe = fake.requests.find((request) => request.method === "POST" && request.path.endsWith(`/${withInstagram.id}/subscribed_apps`))!;
    expect(subscribe.headers.authorization).toBe(`Bearer ${withInstagram.accessToken}`);
    expect(subscribe.body).toEqual({ subscribed_fields: PAGE_SUBSCRIBED_FIELDS_PARAM });

    const rows = await storedRows(account.workspace.id);
    expect(rows.tokens).toHaveLength(1);
    expect(rows.tokens[0]).toMatchObject({ metaUserId: expect.stringMatching(/^\d{16}$/), name: "Fran Facebook", createdById: account.user.id });
    expect(rows.tokens[0].scopes).toEqual(expect.arrayContaining(["instagram_manage_messages", "pages_manage_metadata"]));
    expect(rows.tokens[0].expiresAt!.getTime()).toBeGreaterThan(Date.now() + 59 * 86_400_000);
    expect(decryptSecret(rows.tokens[0].tokenEncrypted)).toMatch(/^EAAFakeLongLived/);
    expect(rows.pages).toEqual([expect.objectContaining({ pageId: withInstagram.id, name: withInstagram.name, userTokenId: rows.tokens[0].id, subscribedAt: expect.any(Date) })]);
    expect(rows.channels).toEqual([
      expect.objectContaining({ id: body.connected[0].channelId, type: "instagram", status: "active", statusReason: null, externalId: withInstagram.igAccountId, tokenExpiresAt: null }),
    ]);
    expect(decryptJson(rows.channels[0].credentialsEncrypted!)).toEqual({ pageId: withInstagram.id, igAccountId: withInstagram.igAccountId, pageAccessToken: withInstagram.accessToken });
    expect(rows.accounts).toEqual([expect.objectContaining({ igAccountId: withInstagram.igAccountId, username: withInstagram.igUsername, pictureUrl: expect.stringMatching(/^https:/), channelId: rows.channels[0].id, pageId: rows.pages[0].id })]);
    expect(rows.events).toEqual([expect.objectContaining({ kind: "connected", channelId: rows.channels[0].id })]);

    // No token in clear anywhere in what was stored.
    const everything = JSON.stringify(rows);
    expect(everything).not.toContain(withInstagram.accessToken);
    expect(everything).not.toMatch(/EAA[A-Za-z0-9]/);
  });

  it("follows /me/accounts paging so every Page is offered", async () => {
    const pages = usePages([{ withInstagram: true }, { withInstagram: false }, { withInstagram: true }]);
    fake.setAccountsPageSize(1);
    const account = await createAccount({ label: "ig-paging" });
    const { pending } = await loginAndChoose(account);
    const selection = openPendingSelection({ value: pending, userId: account.user.id, workspaceId: account.workspace.id })!;
    expect(selection.pages.map((page) => page.id)).toEqual(pages.map((page) => page.id));
    expect(fake.requests.filter((request) => request.path.endsWith("/me/accounts"))).toHaveLength(3);
  });

  it("reconnects a channel that needs re-authorization: same channel, new credentials, active again", async () => {
    const [page] = usePages([{ withInstagram: true }]);
    const account = await createAccount({ label: "ig-reconnect" });
    const old = await createInstagramChannel({ workspaceId: account.workspace.id, status: "needs_reauth", credentials: { igAccountId: page.igAccountId, pageId: page.id } });
    await prisma.channel.update({ where: { id: old.id }, data: { statusReason: "The connection to Meta expired" } });
    const { pending } = await loginAndChoose(account);
    const res = await connect(account, [page.igAccountId!], pending);
    const body = await readJson(res);
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.connected[0]).toMatchObject({ channelId: old.id, reconnected: true });
    const channel = await prisma.channel.findUniqueOrThrow({ where: { id: old.id }, omit: { credentialsEncrypted: false } });
    expect(channel).toMatchObject({ status: "active", statusReason: null });
    expect(decryptJson(channel.credentialsEncrypted!)).toEqual({ pageId: page.id, igAccountId: page.igAccountId, pageAccessToken: page.accessToken });
    expect(await prisma.channel.count({ where: { workspaceId: account.workspace.id, type: "instagram" } })).toBe(1);
    const event = await prisma.tokenEvent.findFirstOrThrow({ where: { channelId: old.id, kind: "connected" } });
    expect(event.detail).toMatchObject({ reconnected: true });
  });
});

describe("refusals that store nothing", () => {
  it("a cancelled login goes back to Channels → Instagram with the cancelled message and calls nothing", async () => {
    const account = await createAccount({ label: "ig-cancel" });
    const flow = await start(account);
    const res = await callback(account.user, { error: "access_denied", error_code: "200", error_description: "Permissions error", error_reason: "user_denied", state: flow.state }, { [NONCE_COOKIE]: flow.nonce });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`${TEST_BASE_URL}/${account.workspace.slug}/settings/channels/instagram?result=cancelled`);
    expect(cookieValue(res, PENDING_COOKIE)).toBeUndefined();
    expect(oauthRequests()).toHaveLength(0);
    await expectNothingStored(account);
  });

  it("a login without a required permission names the missing ones and keeps nothing, not even the token", async () => {
    usePages([{ withInstagram: true }]);
    fake.setPermissions(
      GRANTED.map((entry): FakePermission => (entry.permission === "instagram_manage_messages" ? { ...entry, status: "declined" } : entry)).filter(
        (entry) => entry.permission !== "pages_manage_metadata",
      ),
    );
    const account = await createAccount({ label: "ig-missing" });
    const flow = await start(account);
    const res = await callback(account.user, { code: "code-missing-permission", state: flow.state }, { [NONCE_COOKIE]: flow.nonce });
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get("location")!);
    expect(location.pathname).toBe(`/${account.workspace.slug}/settings/channels/instagram`);
    expect(Object.fromEntries(location.searchParams)).toEqual({ result: "missing_permissions", missing: "pages_manage_metadata,instagram_manage_messages" });
    expect(cookieValue(res, PENDING_COOKIE)).toBeUndefined();
    expect(fake.requests.some((request) => request.path.endsWith("/me/accounts"))).toBe(false);
    await expectNothingStored(account);
  });

  it("refuses a forged state without calling Facebook, as a page for browsers and JSON for scripts", async () => {
    const account = await createAccount({ label: "ig-forged" });
    const flow = await start(account);
    const [header, payload, signature] = flow.state.split(".");
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
    const victim = await createAccount({ label: "ig-victim" });
    const forged = [header, Buffer.from(JSON.stringify({ ...claims, ws: victim.workspace.id })).toString("base64url"), signature].join(".");
    const page = await callback(account.user, { code: "code-forged", state: forged }, { [NONCE_COOKIE]: flow.nonce });
    expect(page.status).toBe(400);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(await page.text()).toContain("This Facebook login link is not valid");
    const json = await callback(account.user, { code: "code-forged", state: forged }, { [NONCE_COOKIE]: flow.nonce }, { html: false });
    expect(json.status).toBe(400);
    expect((await readJson(json)).error.code).toBe("bad_request");
    const missing = await callback(account.user, { code: "code-no-state" }, { [NONCE_COOKIE]: flow.nonce }, { html: false });
    expect(missing.status).toBe(400);
    expect(oauthRequests()).toHaveLength(0);
    await expectNothingStored(account);
    await expectNothingStored(victim);
  });

  it("refuses a state coming back to another browser (no or another nonce cookie)", async () => {
    const account = await createAccount({ label: "ig-browser" });
    const flow = await start(account);
    const other = await start(account);
    for (const cookies of [{}, { [NONCE_COOKIE]: other.nonce }]) {
      const res = await callback(account.user, { code: "code-other-browser", state: flow.state }, cookies, { html: false });
      expect(res.status).toBe(400);
      expect((await readJson(res)).error.message).toMatch(/another browser/);
    }
    expect(oauthRequests()).toHaveLength(0);
    await expectNothingStored(account);
  });

  it("refuses a state started by another user, even a co-owner with the right cookie", async () => {
    const account = await createAccount({ label: "ig-user" });
    const coOwner = await addMember({ workspace: account.workspace, invitedBy: account.user, role: "admin" });
    const flow = await start(account);
    const res = await callback(coOwner.user, { code: "code-other-user", state: flow.state }, { [NONCE_COOKIE]: flow.nonce }, { html: false });
    expect(res.status).toBe(403);
    expect((await readJson(res)).error.message).toMatch(/another Switchboard user/);
    expect(oauthRequests()).toHaveLength(0);
  });

  it("refuses a replayed state, with or without the (deleted) cookie", async () => {
    usePages([{ withInstagram: true }]);
    const account = await createAccount({ label: "ig-replay" });
    const { flow } = await loginAndChoose(account);
    const exchanges = oauthRequests().length;
    const withCookie = await callback(account.user, { code: "code-replayed", state: flow.state }, { [NONCE_COOKIE]: flow.nonce }, { html: false });
    expect(withCookie.status).toBe(400);
    expect((await readJson(withCookie)).error.message).toMatch(/already used/);
    const withoutCookie = await callback(account.user, { code: "code-replayed", state: flow.state }, {}, { html: false });
    expect(withoutCookie.status).toBe(400);
    expect(oauthRequests()).toHaveLength(exchanges);
    await expectNothingStored(account);
  });

  it("sends an expired (but genuine) state back to the workspace with the expired message", async () => {
    const account = await createAccount({ label: "ig-expired" });
    const { state, nonce } = await createOAuthState({ workspaceId: account.workspace.id, userId: account.user.id, now: new Date(Date.now() - 11 * 60_000) });
    const res = await callback(account.user, { code: "code-late", state }, { [NONCE_COOKIE]: nonce });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`${TEST_BASE_URL}/${account.workspace.slug}/settings/channels/instagram?result=expired`);
    expect(oauthRequests()).toHaveLength(0);
  });

  it("answers 401 to a callback without a session (and sends a browser to sign in)", async () => {
    const res = await callback(null, { code: "x", state: "y" }, {}, { html: false });
    expect(res.status).toBe(401);
    const browser = await callback(null, { code: "x", state: "y" }, {});
    expect(new URL(browser.headers.get("location")!).pathname).toBe("/login");
  });

  it("refuses an Instagram account already connected to another workspace, before subscribing it", async () => {
    const [page] = usePages([{ withInstagram: true }]);
    const elsewhere = await createAccount({ label: "ig-elsewhere" });
    await createInstagramChannel({ workspaceId: elsewhere.workspace.id, credentials: { igAccountId: page.igAccountId } });
    const account = await createAccount({ label: "ig-second" });
    const { pending } = await loginAndChoose(account);
    const res = await connect(account, [page.igAccountId!], pending);
    const body = await readJson(res);
    expect(res.status).toBe(409);
    expect(body.error.message).toBe(`@${page.igUsername} is already connected to another Switchboard workspace. Disconnect it there first.`);
    expect(body.failed).toEqual([expect.objectContaining({ igAccountId: page.igAccountId, code: "conflict" })]);
    expect(fake.requests.some((request) => request.path.endsWith("/subscribed_apps"))).toBe(false);
    await expectNothingStored(account);
    expect(await prisma.channel.count({ where: { workspaceId: elsewhere.workspace.id, type: "instagram" } })).toBe(1);
  });

  it("reports an account whose webhook subscription failed and connects the others", async () => {
    const [good, bad] = usePages([{ withInstagram: true }, { withInstagram: true }]);
    const account = await createAccount({ label: "ig-subscribe" });
    const { pending } = await loginAndChoose(account);
    fake.failNext({
      match: (request) => request.method === "POST" && request.path.endsWith(`/${bad.id}/subscribed_apps`),
      status: 403,
      body: { error: { message: "(#200) Requires pages_manage_metadata permission to manage the object", type: "OAuthException", code: 200 } },
    });
    const res = await connect(account, [good.igAccountId!, bad.igAccountId!], pending);
    const body = await readJson(res);
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.connected.map((item: { igAccountId: string }) => item.igAccountId)).toEqual([good.igAccountId]);
    expect(body.failed).toEqual([
      { igAccountId: bad.igAccountId, username: bad.igUsername, code: "provider_error", reason: expect.stringContaining(`Couldn't connect @${bad.igUsername}`) },
    ]);
    expect(body.failed[0].reason).toMatch(/permission/);
    // Something is left to retry: the selection stays.
    expect(setCookies(res).some((value) => value.startsWith(`${PENDING_COOKIE}=`))).toBe(false);
    const rows = await storedRows(account.workspace.id);
    expect(rows.channels.map((channel) => channel.externalId)).toEqual([good.igAccountId]);
    expect(rows.pages.map((page) => page.pageId)).toEqual([good.id]);
    expect(JSON.stringify(rows)).not.toContain(bad.accessToken);

    // Retrying the failed one with the same selection works once Meta accepts it.
    const retry = await connect(account, [bad.igAccountId!], pending);
    expect(retry.status).toBe(200);
    expect((await storedRows(account.workspace.id)).channels).toHaveLength(2);
  });

  it("answers 502 with the reason when the only chosen account could not be subscribed", async () => {
    const [page] = usePages([{ withInstagram: true }]);
    const account = await createAccount({ label: "ig-subscribe-all" });
    const { pending } = await loginAndChoose(account);
    fake.failNext({ match: (request) => request.path.endsWith("/subscribed_apps"), status: 500, body: { error: { message: "An unknown error occurred", type: "OAuthException", code: 1, is_transient: true } } });
    const res = await connect(account, [page.igAccountId!], pending);
    const body = await readJson(res);
    expect(res.status).toBe(502);
    expect(body.error.message).toMatch(/temporary problem/);
    await expectNothingStored(account);
  });

  it("refuses to connect without the pending selection, or with one of another workspace or user", async () => {
    const [page] = usePages([{ withInstagram: true }]);
    const account = await createAccount({ label: "ig-no-pending" });
    const other = await createAccount({ label: "ig-other-pending" });
    const { pending: othersPending } = await loginAndChoose(other);
    for (const pending of [undefined, othersPending, "garbage"]) {
      const res = await connect(account, [page.igAccountId!], pending);
      expect(res.status).toBe(422);
      expect((await readJson(res)).error.message).toMatch(/Start again/);
    }
    await expectNothingStored(account);
  });

  it("refuses an account that is not in the selection, and lets only owners and admins connect", async () => {
    usePages([{ withInstagram: true }]);
    const account = await createAccount({ label: "ig-not-listed" });
    const { pending } = await loginAndChoose(account);
    const res = await connect(account, ["17841400000000000"], pending);
    expect(res.status).toBe(422);
    const agent = await addMember({ workspace: account.workspace, invitedBy: account.user, role: "agent" });
    const asAgent = await connect(account, ["17841400000000000"], pending, agent.user);
    expect(asAgent.status).toBe(403);
    const invalid = await connect(account, [], pending);
    expect(invalid.status).toBe(422);
    await expectNothingStored(account);
  });
});
