// Connecting and updating a Twilio WhatsApp sender: the Account SID and Auth Token are checked
// against Twilio first, the sender must be E.164, and the Auth Token is stored only encrypted.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as connect } from "@/app/api/channels/twilio/route";
import { PUT as update } from "@/app/api/channels/twilio/[id]/route";
import { decryptJson } from "@/lib/crypto/secrets";
import { prisma } from "@/lib/db/client";
import { startFakeProviders, type FakeProviders } from "@/tests/fakes/fake-providers";
import { createTwilioChannel, randomDigits } from "../helpers/channels";
import { addMember, createAccount, type TestAccount } from "../helpers/factories";
import { call, readJson } from "../helpers/http";
import { TEST_BASE_URL } from "../helpers/test-env";

let fake: FakeProviders;
let account: TestAccount;

beforeAll(async () => {
  fake = await startFakeProviders();
  process.env.GRAPH_API_URL = fake.graphUrl;
  process.env.TWILIO_API_URL = fake.twilioUrl;
  // A connect syncs the account's Content templates once (best effort).
  process.env.TWILIO_CONTENT_API_URL = fake.twilioContentUrl;
  account = await createAccount({ label: "tw-connect" });
});

afterAll(async () => {
  await fake.close();
});

type Input = { name?: string; accountSid: string; authToken: string; sender: string };

/** An account the fake Twilio accepts, and a fresh sender number. */
function validInput(): Input {
  const input = { accountSid: `AC${randomBytes(16).toString("hex")}`, authToken: randomBytes(16).toString("hex"), sender: `+1${randomDigits(10)}` };
  fake.registerTwilioAccount(input.accountSid, input.authToken);
  return input;
}

function post(json: unknown, { as = account.user } = {}) {
  return call(connect, "/api/channels/twilio", { method: "POST", as, json, headers: { "x-workspace": account.workspace.slug } });
}

function put(id: string, json: unknown, { as = account.user } = {}) {
  return call(update, `/api/channels/twilio/${id}`, { method: "PUT", as, json, headers: { "x-workspace": account.workspace.slug }, params: { id } });
}

const twilioRequests = (accountSid: string) => fake.requests.filter((request) => request.provider === "twilio" && request.path.includes(accountSid));

describe("POST /api/channels/twilio", () => {
  it("checks the account, stores the sender with encrypted credentials and answers both webhook URLs", async () => {
    const input = validInput();
    const pasted = `whatsapp:${input.sender.slice(0, 2)} ${input.sender.slice(2, 5)}-${input.sender.slice(5)}`;
    const res = await post({ ...input, sender: pasted });
    const text = await res.text();
    expect(res.status, text).toBe(201);
    const { channel, setup } = JSON.parse(text);
    expect(channel).toMatchObject({ type: "twilio_whatsapp", status: "active", externalId: input.sender, name: `Twilio ${input.sender}` });
    expect(setup).toEqual({
      type: "twilio_whatsapp",
      inboundUrl: `${TEST_BASE_URL}/api/webhooks/twilio/${channel.id}`,
      statusCallbackUrl: `${TEST_BASE_URL}/api/webhooks/twilio/${channel.id}/status`,
    });
    expect(text).not.toContain(input.authToken);

    const [check] = twilioRequests(input.accountSid);
    expect(check.method).toBe("GET");
    expect(check.path).toBe(`/2010-04-01/Accounts/${input.accountSid}.json`);
    expect(check.headers.authorization).toBe(`Basic ${Buffer.from(`${input.accountSid}:${input.authToken}`).toString("base64")}`);

    const row = await prisma.channel.findUniqueOrThrow({ where: { id: channel.id }, omit: { credentialsEncrypted: false } });
    expect(JSON.stringify(row)).not.toContain(input.authToken);
    expect(decryptJson(row.credentialsEncrypted!)).toEqual({ accountSid: input.accountSid, authToken: input.authToken, sender: input.sender });
  });

  it("answers 422 on authToken and stores nothing when Twilio rejects the credentials (20003)", async () => {
    const input = validInput();
    const wrong = randomBytes(16).toString("hex");
    const res = await post({ ...input, authToken: wrong });
    const text = await res.text();
    expect(res.status).toBe(422);
    expect(JSON.parse(text).error).toMatchObject({ field: "authToken", message: "Twilio rejected the Account SID or Auth Token" });
    expect(text).not.toContain(wrong);
    expect(await prisma.channel.count({ where: { type: "twilio_whatsapp", externalId: input.sender } })).toBe(0);
  });

  it("answers 422 on sender for a number that is not E.164, without calling Twilio", async () => {
    for (const sender of ["4155238886", "+0123456789", "whatsapp:", "+1 (415) call-me"]) {
      const input = validInput();
      const res = await post({ ...input, sender });
      expect(res.status, sender).toBe(422);
      expect((await readJson(res)).error.field).toBe("sender");
      expect(twilioRequests(input.accountSid)).toHaveLength(0);
    }
  });

  it("answers 422 on accountSid for a malformed SID", async () => {
    const res = await post({ ...validInput(), accountSid: "SK123" });
    expect(res.status).toBe(422);
    expect((await readJson(res)).error.field).toBe("accountSid");
  });

  it("answers 409 on sender when the sender is already connected", async () => {
    const input = validInput();
    expect((await post(input)).status).toBe(201);
    const res = await post({ ...input, name: "Again" });
    expect(res.status).toBe(409);
    expect((await readJson(res)).error).toMatchObject({ code: "conflict", field: "sender" });
    expect(await prisma.channel.count({ where: { type: "twilio_whatsapp", externalId: input.sender } })).toBe(1);
  });

  it("answers 403 to an agent", async () => {
    const agent = await addMember({ workspace: account.workspace, invitedBy: account.user, role: "agent" });
    const input = validInput();
    expect((await post(input, { as: agent.user })).status).toBe(403);
    expect(twilioRequests(input.accountSid)).toHaveLength(0);
  });
});

describe("PUT /api/channels/twilio/[id]", () => {
  it("replaces the credentials after checking them, and logs the change", async () => {
    const channel = await createTwilioChannel({ workspaceId: account.workspace.id });
    const input = { ...validInput(), sender: channel.externalId };
    const res = await put(channel.id, input);
    const text = await res.text();
    expect(res.status, text).toBe(200);
    expect(text).not.toContain(input.authToken);
    const row = await prisma.channel.findUniqueOrThrow({ where: { id: channel.id }, omit: { credentialsEncrypted: false } });
    expect(decryptJson(row.credentialsEncrypted!)).toMatchObject({ accountSid: input.accountSid, authToken: input.authToken });
    const events = await prisma.tokenEvent.findMany({ where: { channelId: channel.id }, select: { kind: true } });
    expect(events.map((event) => event.kind)).toEqual(["credentials_updated"]);
  });

  it("reconnects a channel that needs re-auth: active again, reason cleared, 'reconnected' logged", async () => {
    const channel = await createTwilioChannel({ workspaceId: account.workspace.id, status: "needs_reauth" });
    await prisma.channel.update({ where: { id: channel.id }, data: { statusReason: "Twilio rejected the credentials" } });
    const res = await put(channel.id, { ...validInput(), sender: channel.externalId });
    expect(res.status).toBe(200);
    expect((await readJson(res)).channel).toMatchObject({ status: "active", statusReason: null });
    const events = await prisma.tokenEvent.findMany({ where: { channelId: channel.id }, select: { kind: true } });
    expect(events.map((event) => event.kind)).toEqual(["reconnected"]);
  });

  it("leaves the channel untouched when Twilio rejects the new credentials", async () => {
    const channel = await createTwilioChannel({ workspaceId: account.workspace.id, status: "needs_reauth" });
    const before = await prisma.channel.findUniqueOrThrow({ where: { id: channel.id }, omit: { credentialsEncrypted: false } });
    const input = { ...validInput(), sender: channel.externalId };
    const res = await put(channel.id, { ...input, authToken: randomBytes(16).toString("hex") });
    expect(res.status).toBe(422);
    expect((await readJson(res)).error.field).toBe("authToken");
    expect(await prisma.channel.findUniqueOrThrow({ where: { id: channel.id }, omit: { credentialsEncrypted: false } })).toEqual(before);
    expect(await prisma.tokenEvent.count({ where: { channelId: channel.id } })).toBe(0);
  });

  it("answers 422 on sender when the body names another sender", async () => {
    const channel = await createTwilioChannel({ workspaceId: account.workspace.id });
    const res = await put(channel.id, validInput());
    expect(res.status).toBe(422);
    expect((await readJson(res)).error.field).toBe("sender");
  });

  it("answers 404 for another workspace's channel and for a channel of another type", async () => {
    const other = await createAccount({ label: "tw-other" });
    const foreign = await createTwilioChannel({ workspaceId: other.workspace.id });
    const sandbox = await prisma.channel.findFirstOrThrow({ where: { workspaceId: account.workspace.id, type: "sandbox" }, select: { id: true } });
    for (const id of [foreign.id, sandbox.id]) {
      const res = await put(id, { ...validInput(), sender: foreign.externalId });
      expect(res.status).toBe(404);
    }
    expect(await prisma.tokenEvent.count({ where: { channelId: foreign.id } })).toBe(0);
  });
});
