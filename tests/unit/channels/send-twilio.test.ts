import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ProviderError } from "@/lib/channels/provider-error";
import { sendTwilioMessage } from "@/lib/channels/twilio/send";
import type { OutboundMessage } from "@/lib/channels/types";
import { startFakeProviders, type FakeProviders } from "@/tests/fakes/fake-providers";

const ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
const AUTH_TOKEN = "twilio-auth-token-0123456789abcdef";
const SENDER = "+14155238886";
const TO = "+15550001111";
const CONTENT_SID = "HX0123456789abcdef0123456789abcdef";

let fake: FakeProviders;
const savedUrl = process.env.TWILIO_API_URL;

beforeAll(async () => {
  fake = await startFakeProviders();
  process.env.TWILIO_API_URL = fake.twilioUrl;
  fake.registerTwilioAccount(ACCOUNT_SID, AUTH_TOKEN);
});
afterEach(() => fake.reset());
afterAll(async () => {
  await fake.close();
  process.env.TWILIO_API_URL = savedUrl;
});

type SendInput = { message: OutboundMessage; authToken?: string; to?: string; sender?: string; statusCallbackUrl?: string };

function send({ message, authToken = AUTH_TOKEN, to = TO, sender = SENDER, statusCallbackUrl }: SendInput) {
  return sendTwilioMessage({
    credentials: { accountSid: ACCOUNT_SID, authToken, sender },
    to,
    message,
    options: { idempotencyKey: "msg_1" },
    statusCallbackUrl,
  });
}

async function capture(input: SendInput): Promise<ProviderError> {
  const error = await send(input).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof ProviderError)) throw new Error(`expected a ProviderError, got ${String(error)}`);
  return error;
}

async function sentForm(message: OutboundMessage): Promise<unknown> {
  await send({ message });
  expect(fake.requests).toHaveLength(1);
  return fake.requests[0].body;
}

const addresses = { From: `whatsapp:${SENDER}`, To: `whatsapp:${TO}` };

describe("sendTwilioMessage: what is sent", () => {
  it("posts a form-encoded text message with Basic auth and returns the SM sid", async () => {
    const result = await send({ message: { type: "text", text: "Hello from Switchboard" }, statusCallbackUrl: "https://inbox.example.com/api/webhooks/twilio/ch_1/status" });
    const request = fake.requests[0];
    expect(request.method).toBe("POST");
    expect(request.path).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString("base64")}`);
    expect(request.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(request.body).toEqual({
      ...addresses,
      Body: "Hello from Switchboard",
      StatusCallback: "https://inbox.example.com/api/webhooks/twilio/ch_1/status",
    });
    expect(result.externalId).toMatch(/^SM[0-9a-f]{32}$/);
  });

  it("returns a different sid for every message", async () => {
    const first = await send({ message: { type: "text", text: "one" } });
    const second = await send({ message: { type: "text", text: "two" } });
    expect(first.externalId).not.toBe(second.externalId);
  });

  it("accepts addresses that already carry the whatsapp: prefix", async () => {
    await send({ message: { type: "text", text: "hi" }, to: `whatsapp:${TO}`, sender: `whatsapp:${SENDER}` });
    expect(fake.requests[0].body).toEqual({ ...addresses, Body: "hi" });
  });

  it("sends media by MediaUrl with the caption as Body", async () => {
    expect(await sentForm({ type: "media", media: "image", url: "https://cdn.example.com/a.jpg", caption: "Our menu" })).toEqual({
      ...addresses,
      Body: "Our menu",
      MediaUrl: "https://cdn.example.com/a.jpg",
    });
    fake.reset();
    expect(await sentForm({ type: "media", media: "file", url: "https://cdn.example.com/i.pdf", filename: "invoice.pdf" })).toEqual({
      ...addresses,
      MediaUrl: "https://cdn.example.com/i.pdf",
    });
  });

  it("sends quick replies, buttons and lists as text with numbered options", async () => {
    expect(await sentForm({ type: "quick_replies", text: "Pick a size", options: [{ id: "s", title: "Small" }, { id: "l", title: "Large" }] })).toEqual({
      ...addresses,
      Body: "Pick a size\n\n1. Small\n2. Large",
    });
    fake.reset();
    expect(await sentForm({ type: "buttons", text: "Confirm?", buttons: [{ id: "yes", title: "Yes" }, { id: "no", title: "No" }] })).toEqual({
      ...addresses,
      Body: "Confirm?\n\n1. Yes\n2. No",
    });
    fake.reset();
    expect(
      await sentForm({
        type: "list",
        text: "Shipping?",
        buttonText: "Options",
        sections: [
          { title: "Fast", rows: [{ id: "express", title: "Express" }] },
          { title: "Cheap", rows: [{ id: "ground", title: "Ground" }] },
        ],
      }),
    ).toEqual({ ...addresses, Body: "Shipping?\n\n1. Express\n2. Ground" });
  });

  it("sends a template by ContentSid, numbering WhatsApp-style text parameters as ContentVariables", async () => {
    const components = [
      { type: "header", parameters: [{ type: "text", text: "Order #42" }] },
      { type: "body", parameters: [{ type: "text", text: "Ana" }, { type: "text", text: "Friday" }] },
    ];
    expect(await sentForm({ type: "template", name: CONTENT_SID, language: "en_US", components })).toEqual({
      ...addresses,
      ContentSid: CONTENT_SID,
      ContentVariables: JSON.stringify({ 1: "Order #42", 2: "Ana", 3: "Friday" }),
    });
  });

  it("passes a ContentVariables record through as is", async () => {
    expect(await sentForm({ type: "template", name: CONTENT_SID, language: "en", components: [{ 1: "Ana", 2: "12:30" }] })).toEqual({
      ...addresses,
      ContentSid: CONTENT_SID,
      ContentVariables: '{"1":"Ana","2":"12:30"}',
    });
    fake.reset();
    expect(await sentForm({ type: "template", name: CONTENT_SID, language: "en" })).toEqual({ ...addresses, ContentSid: CONTENT_SID });
    // Named placeholders of a synced Content template keep their names.
    fake.reset();
    expect(await sentForm({ type: "template", name: CONTENT_SID, language: "en", components: [{ first_name: "Ana", 1: "x" }] })).toEqual({
      ...addresses,
      ContentSid: CONTENT_SID,
      ContentVariables: JSON.stringify({ 1: "x", first_name: "Ana" }),
    });
  });

  it("sends a synced template's contentSid, its friendly name staying out of the request", async () => {
    expect(await sentForm({ type: "template", name: "order_ready", contentSid: CONTENT_SID, language: "en", components: [{ 1: "Ana" }], text: "Hi Ana" })).toEqual({
      ...addresses,
      ContentSid: CONTENT_SID,
      ContentVariables: '{"1":"Ana"}',
    });
  });
});

describe("sendTwilioMessage: limits are enforced before sending", () => {
  const rejected: [string, SendInput, RegExp][] = [
    ["a Body over 1600 characters", { message: { type: "text", text: "a".repeat(1601) } }, /too long for Twilio: 1601 characters, at most 1600/],
    ["a template named by its WhatsApp name", { message: { type: "template", name: "order_update", language: "en_US" } }, /Content SID/],
    ["a recipient without a country code", { message: { type: "text", text: "hi" }, to: "5550001111" }, /recipient isn't a valid WhatsApp number/],
    ["an empty message", { message: { type: "text", text: " " } }, /empty/],
  ];

  it.each(rejected)("rejects %s with a permanent error and sends nothing", async (_label, input, reason) => {
    const error = await capture(input);
    expect(error).toMatchObject({ kind: "permanent", code: "invalid_message" });
    expect(error.reason).toMatch(reason);
    expect(fake.requests).toHaveLength(0);
  });
});

describe("sendTwilioMessage: provider failures", () => {
  it("asks for re-auth on wrong credentials (20003, as Twilio answers)", async () => {
    const wrongToken = "wrong-twilio-auth-token-abcdef012345";
    const error = await capture({ message: { type: "text", text: "hi" }, authToken: wrongToken });
    expect(error).toMatchObject({ kind: "reauth", code: "20003", httpStatus: 401 });
    const everything = JSON.stringify({ ...error, message: error.message, stack: error.stack });
    expect(everything).not.toContain(wrongToken);
    expect(everything).not.toContain(Buffer.from(`${ACCOUNT_SID}:${wrongToken}`).toString("base64"));
  });

  it("fails permanently, naming Twilio's reason, for a Content SID the account doesn't have (21655)", async () => {
    fake.setTwilioContents(ACCOUNT_SID, [{ sid: CONTENT_SID, language: "en", types: { "twilio/text": { body: "Hi" } } }]);
    try {
      const error = await capture({ message: { type: "template", name: "HXffffffffffffffffffffffffffffffff", language: "en" } });
      expect(error).toMatchObject({ kind: "permanent", code: "21655", httpStatus: 400, reason: "Twilio rejected the message: The ContentSid is Invalid" });
      fake.reset();
      await expect(send({ message: { type: "template", name: CONTENT_SID, language: "en" } })).resolves.toMatchObject({ externalId: expect.stringMatching(/^SM/) });
    } finally {
      fake.setTwilioContents(ACCOUNT_SID, []);
    }
  });

  it("fails permanently when the 24-hour window is closed (63016)", async () => {
    fake.failNext({
      match: () => true,
      status: 400,
      body: { code: 63016, message: "Failed to send freeform message because you are outside the allowed window.", more_info: "https://www.twilio.com/docs/errors/63016", status: 400 },
    });
    expect(await capture({ message: { type: "text", text: "hi" } })).toMatchObject({
      kind: "permanent",
      code: "63016",
      reason: "The 24-hour window is closed: send an approved template",
    });
  });

  it("retries on Twilio's rate limit with its Retry-After", async () => {
    fake.failNext({
      match: () => true,
      status: 429,
      body: { code: 20429, message: "Too Many Requests", more_info: "https://www.twilio.com/docs/errors/20429", status: 429 },
      headers: { "Retry-After": "3" },
    });
    expect(await capture({ message: { type: "text", text: "hi" } })).toMatchObject({ kind: "retry", code: "20429", retryAfterSeconds: 3 });
  });

  it("retries a 5xx and a dropped connection", async () => {
    fake.failNext({ match: () => true, status: 503, body: "Service Unavailable" });
    expect(await capture({ message: { type: "text", text: "hi" } })).toMatchObject({ kind: "retry", code: "http_503" });
    fake.failNext({ match: () => true, destroy: true });
    expect(await capture({ message: { type: "text", text: "hi" } })).toMatchObject({ kind: "retry", code: "network_error" });
  });

  it("never puts the auth token in an error, even when Twilio echoes it", async () => {
    fake.failNext({ match: () => true, status: 400, body: { code: 21999, message: `Bad token ${AUTH_TOKEN}`, status: 400 } });
    const error = await capture({ message: { type: "text", text: "hi" } });
    expect(error.kind).toBe("permanent");
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain(AUTH_TOKEN);
  });
});
