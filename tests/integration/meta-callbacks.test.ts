// Meta's app-review callbacks: Deauthorize (a person removed the app) and Data Deletion
// Request (a person asked for their data to be deleted). Both are public, authenticated only by
// the signed_request's HMAC-SHA256 with the app secret: a forged or malformed one changes
// nothing. Data of other Facebook users (even in the same workspace) is never touched.
import { createHmac, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as dataDeletionRoute } from "@/app/api/meta/data-deletion/route";
import { POST as deauthorizeRoute } from "@/app/api/meta/deauthorize/route";
import { encryptSecret } from "@/lib/crypto/secrets";
import { prisma } from "@/lib/db/client";
import { getDataDeletionStatus } from "@/lib/meta/data-deletion";
import { signSignedRequest } from "@/lib/meta/signed-request";
import deletionFixture from "../fixtures/meta-signature/data-deletion-callback.json";
import { createInstagramChannel, randomDigits, seedConversation } from "../helpers/channels";
import { createAccount, type TestAccount } from "../helpers/factories";
import { readJson } from "../helpers/http";
import { TEST_BASE_URL } from "../helpers/test-env";

const APP_SECRET = randomBytes(16).toString("hex");
let savedSecret: string | undefined;

beforeAll(() => {
  savedSecret = process.env.META_APP_SECRET;
  process.env.META_APP_SECRET = APP_SECRET;
});

afterAll(() => {
  process.env.META_APP_SECRET = savedSecret;
});

/** What a Facebook Login connection leaves: a user token, a Page, an active Instagram channel with a conversation. */
async function seedConnection({ workspaceId, metaUserId, userId }: { workspaceId: string; metaUserId: string; userId: string }) {
  const token = await prisma.metaUserToken.create({
    data: { workspaceId, metaUserId, name: "Fran Facebook", tokenEncrypted: encryptSecret(`EAAuser${randomBytes(12).toString("hex")}`), scopes: ["instagram_basic"], createdById: userId },
  });
  const channel = await createInstagramChannel({ workspaceId });
  await prisma.channel.update({ where: { id: channel.id }, data: { tokenExpiresAt: new Date(Date.now() + 86_400_000) } });
  const page = await prisma.metaPage.create({ data: { workspaceId, pageId: channel.credentials.pageId, name: "Olive Bakery", userTokenId: token.id, subscribedAt: new Date() } });
  const account = await prisma.instagramAccount.create({
    data: { workspaceId, pageId: page.id, igAccountId: channel.externalId, username: "olive.bakery", channelId: channel.id },
  });
  const conversation = await seedConversation({ channel, contactExternalId: randomDigits(16), displayName: "A customer" });
  return { token, channel, page, account, conversation };
}

function post(handler: typeof deauthorizeRoute, path: string, body: string, contentType = "application/x-www-form-urlencoded") {
  return handler(new Request(`${TEST_BASE_URL}${path}`, { method: "POST", headers: { "content-type": contentType }, body }), { params: Promise.resolve({}) });
}

const form = (signedRequest: string) => new URLSearchParams({ signed_request: signedRequest }).toString();
const signedFor = (metaUserId: string, secret = APP_SECRET) => signSignedRequest({ payload: { user_id: metaUserId, issued_at: Math.floor(Date.now() / 1000) }, appSecret: secret });

async function snapshot(workspaceId: string) {
  const [tokens, pages, accounts, channels, events, conversations] = await Promise.all([
    prisma.metaUserToken.findMany({ where: { workspaceId }, orderBy: { id: "asc" } }),
    prisma.metaPage.findMany({ where: { workspaceId }, orderBy: { id: "asc" } }),
    prisma.instagramAccount.findMany({ where: { workspaceId }, orderBy: { id: "asc" } }),
    prisma.channel.findMany({ where: { workspaceId }, orderBy: { id: "asc" }, omit: { credentialsEncrypted: false } }),
    prisma.tokenEvent.findMany({ where: { workspaceId }, orderBy: { id: "asc" } }),
    prisma.conversation.findMany({ where: { workspaceId }, orderBy: { id: "asc" } }),
  ]);
  return { tokens, pages, accounts, channels, events, conversations };
}

type Seeded = Awaited<ReturnType<typeof seedConnection>>;

describe.each([
  ["deauthorize", deauthorizeRoute, "/api/meta/deauthorize"],
  ["data deletion", dataDeletionRoute, "/api/meta/data-deletion"],
] as const)("POST %s: refused requests change nothing", (_label, handler, path) => {
  let account: TestAccount;
  let metaUserId: string;

  beforeAll(async () => {
    account = await createAccount({ label: "meta-refused" });
    metaUserId = randomDigits(16);
    await seedConnection({ workspaceId: account.workspace.id, metaUserId, userId: account.user.id });
  });

  const cases: [string, () => { body: string; contentType?: string }, number][] = [
    ["signed with another secret", () => ({ body: form(signedFor(metaUserId, "not-the-app-secret-0123456789abcd")) }), 401],
    ["with a payload swapped after signing", () => {
      const [signature] = signedFor(randomDigits(16)).split(".");
      const payload = Buffer.from(JSON.stringify({ algorithm: "HMAC-SHA256", user_id: metaUserId })).toString("base64url");
      return { body: form(`${signature}.${payload}`) };
    }, 401],
    ["malformed", () => ({ body: form("not-a-signed-request") }), 400],
    ["without signed_request", () => ({ body: "foo=bar" }), 400],
    ["naming another algorithm (correctly signed)", () => {
      const payload = Buffer.from(JSON.stringify({ algorithm: "HMAC-SHA1", user_id: metaUserId })).toString("base64url");
      return { body: form(`${createHmac("sha256", APP_SECRET).update(payload).digest("base64url")}.${payload}`) };
    }, 400],
    ["sent as JSON", () => ({ body: JSON.stringify({ signed_request: signedFor(metaUserId) }), contentType: "application/json" }), 415],
  ];

  for (const [label, build, status] of cases) {
    it(`answers ${status} JSON and changes nothing when the request is ${label}`, async () => {
      const before = await snapshot(account.workspace.id);
      const requestsBefore = await prisma.dataDeletionRequest.count({ where: { metaUserId } });
      const { body, contentType } = build();
      const res = await post(handler, path, body, contentType);
      const json = await readJson(res);
      expect(res.status, JSON.stringify(json)).toBe(status);
      expect(json.error.code).toBeTruthy();
      expect(await snapshot(account.workspace.id)).toEqual(before);
      expect(await prisma.dataDeletionRequest.count({ where: { metaUserId } })).toBe(requestsBefore);
    });
  }

  it("answers 503 and changes nothing while the server has no app secret", async () => {
    const before = await snapshot(account.workspace.id);
    delete process.env.META_APP_SECRET;
    try {
      const res = await post(handler, path, form(signedFor(metaUserId)));
      expect(res.status).toBe(503);
    } finally {
      process.env.META_APP_SECRET = APP_SECRET;
    }
    expect(await snapshot(account.workspace.id)).toEqual(before);
  });
});

describe("POST /api/meta/deauthorize", () => {
  it("disconnects the user's Instagram channels, deletes their tokens and credentials, and leaves other users' connections alone", async () => {
    const account = await createAccount({ label: "meta-deauth" });
    const metaUserId = randomDigits(16);
    const mine: Seeded = await seedConnection({ workspaceId: account.workspace.id, metaUserId, userId: account.user.id });
    const colleague: Seeded = await seedConnection({ workspaceId: account.workspace.id, metaUserId: randomDigits(16), userId: account.user.id });

    const res = await post(deauthorizeRoute, "/api/meta/deauthorize", form(signedFor(metaUserId)));
    expect(res.status).toBe(200);
    expect(await readJson(res)).toEqual({ success: true });

    const channel = await prisma.channel.findUniqueOrThrow({ where: { id: mine.channel.id }, omit: { credentialsEncrypted: false } });
    expect(channel).toMatchObject({ status: "disconnected", credentialsEncrypted: null, tokenExpiresAt: null });
    expect(channel.statusReason).toMatch(/removed Switchboard's access/);
    expect(await prisma.metaUserToken.findUnique({ where: { id: mine.token.id } })).toBeNull();
    // Kept for a reconnect: the Page and account details (no secret in them), and the conversations.
    expect(await prisma.metaPage.findUnique({ where: { id: mine.page.id } })).toMatchObject({ userTokenId: null });
    expect(await prisma.instagramAccount.findUnique({ where: { id: mine.account.id } })).not.toBeNull();
    expect(await prisma.conversation.findUnique({ where: { id: mine.conversation.conversationId } })).not.toBeNull();
    expect(await prisma.tokenEvent.findMany({ where: { channelId: mine.channel.id }, select: { kind: true, detail: true } })).toEqual([{ kind: "revoked", detail: { reason: "deauthorized" } }]);

    const untouched = await prisma.channel.findUniqueOrThrow({ where: { id: colleague.channel.id }, omit: { credentialsEncrypted: false } });
    expect(untouched.status).toBe("active");
    expect(untouched.credentialsEncrypted).toBeTruthy();
    expect(await prisma.metaUserToken.findUnique({ where: { id: colleague.token.id } })).not.toBeNull();

    // Meta may call again: nothing more happens.
    const again = await post(deauthorizeRoute, "/api/meta/deauthorize", form(signedFor(metaUserId)));
    expect(again.status).toBe(200);
    expect(await prisma.tokenEvent.count({ where: { channelId: mine.channel.id } })).toBe(1);
  });

  it("reaches every workspace the Facebook user connected", async () => {
    const metaUserId = randomDigits(16);
    const first = await createAccount({ label: "meta-ws1" });
    const second = await createAccount({ label: "meta-ws2" });
    const a = await seedConnection({ workspaceId: first.workspace.id, metaUserId, userId: first.user.id });
    const b = await seedConnection({ workspaceId: second.workspace.id, metaUserId, userId: second.user.id });
    expect((await post(deauthorizeRoute, "/api/meta/deauthorize", form(signedFor(metaUserId)))).status).toBe(200);
    const channels = await prisma.channel.findMany({ where: { id: { in: [a.channel.id, b.channel.id] } }, select: { status: true } });
    expect(channels).toEqual([{ status: "disconnected" }, { status: "disconnected" }]);
  });

  it("answers 200 for a Facebook user it knows nothing about", async () => {
    const res = await post(deauthorizeRoute, "/api/meta/deauthorize", form(signedFor(randomDigits(16))));
    expect(res.status).toBe(200);
  });
});

describe("POST /api/meta/data-deletion", () => {
  it("deletes the user's tokens, Pages and Instagram accounts, disconnects their channels and answers the status URL and code", async () => {
    const account = await createAccount({ label: "meta-delete" });
    const metaUserId = randomDigits(16);
    const mine = await seedConnection({ workspaceId: account.workspace.id, metaUserId, userId: account.user.id });
    const colleague = await seedConnection({ workspaceId: account.workspace.id, metaUserId: randomDigits(16), userId: account.user.id });

    const res = await post(dataDeletionRoute, "/api/meta/data-deletion", form(signedFor(metaUserId)));
    const body = await readJson(res);
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body).toEqual({ url: `${TEST_BASE_URL}/data-deletion/${body.confirmation_code}`, confirmation_code: expect.stringMatching(/^[0-9a-f]{20}$/) });

    expect(await prisma.metaUserToken.findUnique({ where: { id: mine.token.id } })).toBeNull();
    expect(await prisma.metaPage.findUnique({ where: { id: mine.page.id } })).toBeNull();
    expect(await prisma.instagramAccount.findUnique({ where: { id: mine.account.id } })).toBeNull();
    const channel = await prisma.channel.findUniqueOrThrow({ where: { id: mine.channel.id }, omit: { credentialsEncrypted: false } });
    expect(channel).toMatchObject({ status: "disconnected", credentialsEncrypted: null });
    // The business's conversations with its customers are its records, not the Facebook user's data.
    expect(await prisma.conversation.findUnique({ where: { id: mine.conversation.conversationId } })).not.toBeNull();

    const request = await prisma.dataDeletionRequest.findUniqueOrThrow({ where: { confirmationCode: body.confirmation_code } });
    expect(request).toMatchObject({ metaUserId, status: "completed", completedAt: expect.any(Date) });
    expect(request.detail).toEqual({ workspaces: 1, tokens: 1, channels: 1, pages: 1, instagramAccounts: 1 });
    expect(await getDataDeletionStatus(body.confirmation_code)).toMatchObject({ status: "completed", deleted: { tokens: 1, channels: 1, pages: 1, instagramAccounts: 1 } });

    expect(await prisma.instagramAccount.findUnique({ where: { id: colleague.account.id } })).not.toBeNull();
    expect(await prisma.metaUserToken.findUnique({ where: { id: colleague.token.id } })).not.toBeNull();
  });

  it("accepts Meta's sample request (fixture signed with the app secret 'secret') and gives each request its own code", async () => {
    process.env.META_APP_SECRET = deletionFixture.app_secret;
    try {
      const first = await readJson(await post(dataDeletionRoute, "/api/meta/data-deletion", form(deletionFixture.request.form.signed_request)));
      const second = await readJson(await post(dataDeletionRoute, "/api/meta/data-deletion", form(deletionFixture.request.form.signed_request)));
      expect(Object.keys(first).sort()).toEqual(Object.keys(deletionFixture.expected_response.body).sort());
      expect(first.confirmation_code).not.toBe(second.confirmation_code);
      expect(await prisma.dataDeletionRequest.findUniqueOrThrow({ where: { confirmationCode: first.confirmation_code } })).toMatchObject({
        metaUserId: deletionFixture.decoded_payload.user_id,
        status: "completed",
      });
    } finally {
      process.env.META_APP_SECRET = APP_SECRET;
    }
  });

  it("shows no status for unknown or malformed codes", async () => {
    expect(await getDataDeletionStatus("0".repeat(20))).toBeNull();
    expect(await getDataDeletionStatus("'; drop table")).toBeNull();
  });
});
