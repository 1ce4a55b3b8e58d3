// Connecting a WhatsApp Cloud API number: Meta is asked first (number + token, then the WABA
// subscription), and only then is the channel stored, with every secret encrypted. Every failed
// check answers 422 naming the field, and leaves nothing behind.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as connect } from "@/app/api/channels/whatsapp/route";
import { GET as verifyWebhook } from "@/app/api/webhooks/whatsapp/[channelId]/route";
import { decryptJson } from "@/lib/crypto/secrets";
import { prisma } from "@/lib/db/client";
import { startFakeProviders, type FakeProviders } from "@/tests/fakes/fake-providers";
import { randomDigits } from "../helpers/channels";
import { addMember, createAccount, type TestAccount } from "../helpers/factories";
import { call, readJson } from "../helpers/http";
import { TEST_BASE_URL } from "../helpers/test-env";

let fake: FakeProviders;
let account: TestAccount;

beforeAll(async () => {
  fake = await startFakeProviders();
  process.env.GRAPH_API_URL = fake.graphUrl;
  process.env.TWILIO_API_URL = fake.twilioUrl;
  account = await createAccount({ label: "wa-connect" });
});

afterAll(async () => {
  await fake.close();
});

type Input = { name?: string; phoneNumberId: string; wabaId: string; accessToken: string; appSecret: string };

/** Credentials the fake Graph API accepts: a registered token and phone number. */
function validInput({ tokenType = "SYSTEM_USER" as "SYSTEM_USER" | "USER", verifiedName = "Olive Bakery" } = {}): Input {
  const input = {
    phoneNumberId: randomDigits(15),
    wabaId: randomDigits(15),
    accessToken: `EAAGconnect${randomBytes(24).toString("hex")}`,
    appSecret: randomBytes(16).toString("hex"),
  };
  fake.registerToken(input.accessToken, { type: tokenType });
  fake.registerPhoneNumber({ id: input.phoneNumberId, displayPhoneNumber: "+1 555-010-2030", verifiedName, qualityRating: "GREEN" });
  return input;
}

function post(json: unknown, { as = account.user, slug = account.workspace.slug } = {}) {
  return call(connect, "/api/channels/whatsapp", { method: "POST", as, json, headers: { "x-workspace": slug } });
}

const graphRequests = (id: string) => fake.requests.filter((request) => request.provider === "graph" && request.path.includes(id));

async function channelsOf(workspaceId: string) {
  return prisma.channel.findMany({ where: { workspaceId, type: "whatsapp_cloud" }, select: { id: true } });
}

describe("POST /api/channels/whatsapp", () => {
  it("checks the number, subscribes the app, stores the channel with encrypted credentials and answers the setup values", async () => {
    const input = validInput();
    const res = await post({ ...input, name: "  " });
    const text = await res.text();
    expect(res.status, text).toBe(201);
    const body = JSON.parse(text);

    expect(body.channel).toMatchObject({
      type: "whatsapp_cloud",
      status: "active",
      statusReason: null,
      externalId: input.phoneNumberId,
      name: "Olive Bakery (+1 555-010-2030)",
      settings: { displayPhoneNumber: "+1 555-010-2030", verifiedName: "Olive Bakery", qualityRating: "GREEN" },
      tokenExpiresAt: null,
    });
    expect(body.setup.callbackUrl).toBe(`${TEST_BASE_URL}/api/webhooks/whatsapp/${body.channel.id}`);
    expect(body.setup.verifyToken).toMatch(/^[\w-]{32,}$/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    // Secrets never leave the server, not even in the answer to the request that sent them.
    expect(text).not.toContain(input.accessToken);
    expect(text).not.toContain(input.appSecret);

    // Meta was asked for the number with the token in the header, then for the subscription.
    const [lookup] = graphRequests(input.phoneNumberId).filter((request) => request.method === "GET");
    expect(lookup.query.fields).toBe("display_phone_number,verified_name,quality_rating");
    expect(lookup.headers.authorization).toBe(`Bearer ${input.accessToken}`);
    expect(lookup.query.access_token).toBeUndefined();
    const subscribe = graphRequests(input.wabaId).filter((request) => request.method === "POST" && request.path.endsWith("/subscribed_apps"));
    expect(subscribe).toHaveLength(1);

    // The row: credentials only as ciphertext, nowhere in plain text.
    const row = await prisma.channel.findUniqueOrThrow({ where: { id: body.channel.id }, omit: { credentialsEncrypted: false } });
    expect(row.workspaceId).toBe(account.workspace.id);
    expect(row.credentialsEncrypted).toMatch(/^enc:v1:/);
    const rowText = JSON.stringify(row);
    for (const secret of [input.accessToken, input.appSecret, body.setup.verifyToken]) expect(rowText).not.toContain(secret);
    expect(decryptJson(row.credentialsEncrypted!)).toEqual({
      phoneNumberId: input.phoneNumberId,
      wabaId: input.wabaId,
      accessToken: input.accessToken,
      appSecret: input.appSecret,
      verifyToken: body.setup.verifyToken,
    });
    const events = await prisma.tokenEvent.findMany({ where: { channelId: row.id }, select: { kind: true } });
    expect(events.map((event) => event.kind)).toEqual(["connected"]);
  });

  it("answers Meta's webhook subscription check with the verify token it handed out", async () => {
    const res = await post(validInput());
    const { channel, setup } = await readJson(res);
    const url = `/api/webhooks/whatsapp/${channel.id}?${new URLSearchParams({ "hub.mode": "subscribe", "hub.verify_token": setup.verifyToken, "hub.challenge": "8675309" })}`;
    const challenge = await call(verifyWebhook, url, { params: { channelId: channel.id } });
    expect(challenge.status).toBe(200);
    expect(await challenge.text()).toBe("8675309");
  });

  it("keeps the given name and records when an expiring user token runs out", async () => {
    const input = validInput({ tokenType: "USER" });
    const res = await post({ ...input, name: "Support line" });
    expect(res.status).toBe(201);
    const { channel } = await readJson(res);
    expect(channel.name).toBe("Support line");
    // The fake's user tokens expire after 60 days (debug_token expires_at).
    const days = (new Date(channel.tokenExpiresAt).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(59);
    expect(days).toBeLessThanOrEqual(60);
  });

  it("answers 422 on accessToken with Meta's reason and stores nothing when the token is wrong", async () => {
    const input = validInput();
    const wrongToken = `EAAGwrong${randomBytes(24).toString("hex")}`;
    const before = await channelsOf(account.workspace.id);
    const res = await post({ ...input, accessToken: wrongToken });
    const text = await res.text();
    expect(res.status, text).toBe(422);
    const { error } = JSON.parse(text);
    expect(error.field).toBe("accessToken");
    expect(error.message).toContain("Meta rejected the access token");
    expect(error.message).toContain("Invalid OAuth access token");
    expect(text).not.toContain(wrongToken);
    expect(await channelsOf(account.workspace.id)).toEqual(before);
    // Nothing was subscribed with a token that does not work.
    expect(graphRequests(input.wabaId)).toHaveLength(0);
  });

  it("answers 422 on phoneNumberId and stores nothing when Meta does not know the number", async () => {
    const input = validInput();
    const unknown = randomDigits(15);
    const before = await channelsOf(account.workspace.id);
    const res = await post({ ...input, phoneNumberId: unknown });
    expect(res.status).toBe(422);
    expect((await readJson(res)).error.field).toBe("phoneNumberId");
    expect(await channelsOf(account.workspace.id)).toEqual(before);
    expect(await prisma.channel.count({ where: { type: "whatsapp_cloud", externalId: unknown } })).toBe(0);
    expect(graphRequests(input.wabaId)).toHaveLength(0);
  });

  it("answers 422 on wabaId and stores nothing when Meta refuses the webhook subscription", async () => {
    const input = validInput();
    fake.failNext({
      match: (request) => request.method === "POST" && request.path.endsWith(`/${input.wabaId}/subscribed_apps`),
      status: 400,
      body: { error: { message: "(#200) Permissions error", type: "OAuthException", code: 200, fbtrace_id: "Afake" } },
    });
    const before = await channelsOf(account.workspace.id);
    const res = await post(input);
    const text = await res.text();
    expect(res.status, text).toBe(422);
    const { error } = JSON.parse(text);
    expect(error.field).toBe("wabaId");
    expect(error.message).toContain("Permissions error");
    expect(await channelsOf(account.workspace.id)).toEqual(before);
    expect(await prisma.channel.count({ where: { type: "whatsapp_cloud", externalId: input.phoneNumberId } })).toBe(0);
  });

  it("answers 502 and stores nothing when Meta is down during the check", async () => {
    const input = validInput();
    fake.failNext({ match: (request) => request.method === "POST" && request.path.endsWith(`/${input.wabaId}/subscribed_apps`), status: 503 });
    const res = await post(input);
    expect(res.status).toBe(502);
    expect((await readJson(res)).error.code).toBe("provider_error");
    expect(await prisma.channel.count({ where: { type: "whatsapp_cloud", externalId: input.phoneNumberId } })).toBe(0);
  });

  it("answers 409 on phoneNumberId for a number that is already connected, here or in another workspace", async () => {
    const input = validInput();
    expect((await post(input)).status).toBe(201);
    const again = await post(input);
    expect(again.status).toBe(409);
    expect((await readJson(again)).error).toMatchObject({ code: "conflict", field: "phoneNumberId" });

    const other = await createAccount({ label: "wa-other" });
    const elsewhere = await post(input, { as: other.user, slug: other.workspace.slug });
    expect(elsewhere.status).toBe(409);
    const { error } = await readJson(elsewhere);
    expect(error.field).toBe("phoneNumberId");
    expect(error.message).toContain("another Switchboard workspace");
    expect(await channelsOf(other.workspace.id)).toHaveLength(0);
    expect(await prisma.channel.count({ where: { type: "whatsapp_cloud", externalId: input.phoneNumberId } })).toBe(1);
  });

  it("answers 422 naming the field for malformed input, before calling Meta", async () => {
    const input = validInput();
    const cases: [Partial<Input> & Record<string, unknown>, string][] = [
      [{ phoneNumberId: "not-a-number" }, "phoneNumberId"],
      [{ wabaId: "" }, "wabaId"],
      [{ accessToken: "short" }, "accessToken"],
      [{ appSecret: "not hex at all" }, "appSecret"],
      [{ name: "x".repeat(81) }, "name"],
    ];
    for (const [override, field] of cases) {
      const res = await post({ ...input, ...override });
      expect(res.status, field).toBe(422);
      expect((await readJson(res)).error.field).toBe(field);
    }
    const missing = await post({ ...input, appSecret: undefined });
    expect(missing.status).toBe(422);
    expect((await readJson(missing)).error.field).toBe("appSecret");
    expect(graphRequests(input.phoneNumberId)).toHaveLength(0);
  });

  it("answers 403 to agents and marketers and calls nobody", async () => {
    for (const role of ["agent", "marketer"] as const) {
      const member = await addMember({ workspace: account.workspace, invitedBy: account.user, role });
      const input = validInput();
      const res = await post(input, { as: member.user });
      expect(res.status, role).toBe(403);
      expect(graphRequests(input.phoneNumberId)).toHaveLength(0);
      expect(await prisma.channel.count({ where: { type: "whatsapp_cloud", externalId: input.phoneNumberId } })).toBe(0);
    }
  });
});
