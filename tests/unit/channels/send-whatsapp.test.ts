import { readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ProviderError } from "@/lib/channels/provider-error";
import type { OutboundMessage, SendOptions } from "@/lib/channels/types";
import { sendWhatsAppMessage } from "@/lib/channels/whatsapp/send";
import { FAKE_DEFAULTS, startFakeProviders, type FakeProviders } from "@/tests/fakes/fake-providers";

const TOKEN = "EAAWhatsAppTestToken0123456789abcdefABCDEF";
const PHONE_NUMBER_ID = FAKE_DEFAULTS.phoneNumberId;

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../fixtures/graph-errors/${name}`, import.meta.url), "utf8"));
}

let fake: FakeProviders;
const savedEnv = { url: process.env.GRAPH_API_URL, version: process.env.GRAPH_API_VERSION };

beforeAll(async () => {
  fake = await startFakeProviders();
  process.env.GRAPH_API_URL = fake.graphUrl;
  delete process.env.GRAPH_API_VERSION;
  fake.registerToken(TOKEN);
});
afterEach(() => fake.reset());
afterAll(async () => {
  await fake.close();
  process.env.GRAPH_API_URL = savedEnv.url;
  process.env.GRAPH_API_VERSION = savedEnv.version;
});

type SendInput = { message: OutboundMessage; options?: Partial<SendOptions>; to?: string; accessToken?: string; timeoutMs?: number };

function send({ message, options, to = "+16505551234", accessToken = TOKEN, timeoutMs }: SendInput) {
  return sendWhatsAppMessage({
    credentials: { phoneNumberId: PHONE_NUMBER_ID, accessToken },
    to,
    message,
    options: { idempotencyKey: "msg_1", ...options },
    timeoutMs,
  });
}

async function sendAndCapture(input: SendInput): Promise<ProviderError> {
  const error = await send(input).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof ProviderError)) throw new Error(`expected a ProviderError, got ${String(error)}`);
  return error;
}

/** The body Meta received for the only request sent. */
async function sentBody(message: OutboundMessage, options?: Partial<SendOptions>) {
  await send({ message, options });
  expect(fake.requests).toHaveLength(1);
  return fake.requests[0].body;
}

const envelope = (to = "16505551234") => ({ messaging_product: "whatsapp", recipient_type: "individual", to, biz_opaque_callback_data: "msg_1" });

describe("sendWhatsAppMessage: what is sent", () => {
  it("posts a text message with a Bearer token and returns the wamid", async () => {
    const result = await send({ message: { type: "text", text: "Hello 👋", previewUrl: true } });
    const request = fake.requests[0];
    expect(request.method).toBe("POST");
    expect(request.path).toBe(`/v24.0/${PHONE_NUMBER_ID}/messages`);
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.query).toEqual({});
    expect(request.body).toEqual({ ...envelope(), type: "text", text: { body: "Hello 👋", preview_url: true } });
    expect(result.externalId).toMatch(/^wamid\./);
  });

  it("returns a different wamid for every message", async () => {
    const first = await send({ message: { type: "text", text: "one" } });
    const second = await send({ message: { type: "text", text: "two" } });
    expect(first.externalId).not.toBe(second.externalId);
  });

  it("uses the configured Graph version", async () => {
    process.env.GRAPH_API_VERSION = "v23.0";
    try {
      await send({ message: { type: "text", text: "hi" } });
    } finally {
      delete process.env.GRAPH_API_VERSION;
    }
    expect(fake.requests[0].path).toBe(`/v23.0/${PHONE_NUMBER_ID}/messages`);
  });

  it("accepts a bare wa_id and replies in context", async () => {
    await send({ message: { type: "text", text: "Sure" }, to: "16505551234", options: { replyToExternalId: "wamid.ABC" } });
    expect(fake.requests[0].body).toEqual({
      ...envelope(),
      context: { message_id: "wamid.ABC" },
      type: "text",
      text: { body: "Sure", preview_url: false },
    });
  });

  it("sends images and videos by link with their caption", async () => {
    expect(await sentBody({ type: "media", media: "image", url: "https://cdn.example.com/a.jpg", caption: "Our menu" })).toEqual({
      ...envelope(),
      type: "image",
      image: { link: "https://cdn.example.com/a.jpg", caption: "Our menu" },
    });
    fake.reset();
    expect(await sentBody({ type: "media", media: "video", url: "https://cdn.example.com/a.mp4" })).toEqual({
      ...envelope(),
      type: "video",
      video: { link: "https://cdn.example.com/a.mp4" },
    });
  });

  it("sends audio without a caption and files as documents with their file name", async () => {
    expect(await sentBody({ type: "media", media: "audio", url: "https://cdn.example.com/a.ogg" })).toEqual({
      ...envelope(),
      type: "audio",
      audio: { link: "https://cdn.example.com/a.ogg" },
    });
    fake.reset();
    expect(await sentBody({ type: "media", media: "file", url: "https://cdn.example.com/i.pdf", caption: "Invoice", filename: "invoice.pdf" })).toEqual({
      ...envelope(),
      type: "document",
      document: { link: "https://cdn.example.com/i.pdf", caption: "Invoice", filename: "invoice.pdf" },
    });
  });

  it("sends up to three short quick replies as reply buttons", async () => {
    const body = await sentBody({
      type: "quick_replies",
      text: "Pick a size",
      options: [
        { id: "s", title: "Small" },
        { id: "m", title: "Medium" },
        { id: "l", title: "Large" },
      ],
    });
    expect(body).toEqual({
      ...envelope(),
      type: "interactive",
      interactive: {
        type: "button",
        body: { text: "Pick a size" },
        action: {
          buttons: [
            { type: "reply", reply: { id: "s", title: "Small" } },
            { type: "reply", reply: { id: "m", title: "Medium" } },
            { type: "reply", reply: { id: "l", title: "Large" } },
          ],
        },
      },
    });
  });

  it("sends more than three quick replies, or longer titles, as a list", async () => {
    const options = ["Mon", "Tue", "Wed", "Thu"].map((day) => ({ id: day.toLowerCase(), title: day }));
    expect(await sentBody({ type: "quick_replies", text: "Which day?", options })).toEqual({
      ...envelope(),
      type: "interactive",
      interactive: {
        type: "list",
        body: { text: "Which day?" },
        action: { button: "Choose", sections: [{ rows: options }] },
      },
    });
    fake.reset();
    const long = [{ id: "x", title: "Extra large (XXL size)" }];
    const body = await sentBody({ type: "quick_replies", text: "Size?", options: long });
    expect(body).toMatchObject({ interactive: { type: "list", action: { sections: [{ rows: long }] } } });
  });

  it("sends buttons as interactive reply buttons", async () => {
    const body = await sentBody({ type: "buttons", text: "Confirm the order?", buttons: [{ id: "yes", title: "Yes" }, { id: "no", title: "No" }] });
    expect(body).toEqual({
      ...envelope(),
      type: "interactive",
      interactive: {
        type: "button",
        body: { text: "Confirm the order?" },
        action: {
          buttons: [
            { type: "reply", reply: { id: "yes", title: "Yes" } },
            { type: "reply", reply: { id: "no", title: "No" } },
          ],
        },
      },
    });
  });

  it("sends a list with its sections, rows and descriptions", async () => {
    const body = await sentBody({
      type: "list",
      text: "Which shipping option do you prefer?",
      buttonText: "Shipping options",
      sections: [
        { title: "I want it ASAP!", rows: [{ id: "priority_express", title: "Priority Mail Express", description: "Next Day to 2 Days" }] },
        { title: "I can wait a bit", rows: [{ id: "ground", title: "USPS Ground Advantage" }] },
      ],
    });
    expect(body).toEqual({
      ...envelope(),
      type: "interactive",
      interactive: {
        type: "list",
        body: { text: "Which shipping option do you prefer?" },
        action: {
          button: "Shipping options",
          sections: [
            { title: "I want it ASAP!", rows: [{ id: "priority_express", title: "Priority Mail Express", description: "Next Day to 2 Days" }] },
            { title: "I can wait a bit", rows: [{ id: "ground", title: "USPS Ground Advantage" }] },
          ],
        },
      },
    });
  });

  it("sends a template with its language and components", async () => {
    const components = [{ type: "body", parameters: [{ type: "text", text: "Ana" }] }];
    const result = await send({ message: { type: "template", name: "order_update", language: "en_US", components } });
    expect(fake.requests[0].body).toEqual({
      ...envelope(),
      type: "template",
      template: { name: "order_update", language: { code: "en_US" }, components },
    });
    expect(result.externalId).toMatch(/^wamid\./);
  });

  it("counts an emoji as one character against the 4096 limit", async () => {
    await send({ message: { type: "text", text: "😀".repeat(4096) } });
    expect(fake.requests).toHaveLength(1);
  });
});

describe("sendWhatsAppMessage: limits are enforced before sending", () => {
  const tooMuch: [string, OutboundMessage, RegExp][] = [
    ["text over 4096 characters", { type: "text", text: "a".repeat(4097) }, /too long for WhatsApp: 4097 characters, at most 4096/],
    ["empty text", { type: "text", text: "  " }, /empty/],
    ["a caption over 1024 characters", { type: "media", media: "image", url: "https://x.test/a.jpg", caption: "c".repeat(1025) }, /caption is too long/],
    ["an audio caption", { type: "media", media: "audio", url: "https://x.test/a.ogg", caption: "listen" }, /audio messages can't have a caption/],
    ["a media URL that is not http(s)", { type: "media", media: "image", url: "file:///etc/passwd" }, /public http\(s\) URL/],
    [
      "four buttons",
      { type: "buttons", text: "?", buttons: ["a", "b", "c", "d"].map((id) => ({ id, title: id })) },
      /at most 3 buttons; this message has 4/,
    ],
    ["a button title over 20 characters", { type: "buttons", text: "?", buttons: [{ id: "a", title: "This title is way too long" }] }, /button "This title is way too long" is too long/],
    ["duplicate button ids", { type: "buttons", text: "?", buttons: [{ id: "a", title: "A" }, { id: "a", title: "B" }] }, /different id/],
    ["a button body over 1024 characters", { type: "buttons", text: "b".repeat(1025), buttons: [{ id: "a", title: "A" }] }, /too long for WhatsApp: 1025/],
    [
      "eleven quick replies",
      { type: "quick_replies", text: "?", options: Array.from({ length: 11 }, (_, index) => ({ id: `o${index}`, title: `Option ${index}` })) },
      /at most 10 list rows in total; this list has 11/,
    ],
    [
      "eleven list rows across sections",
      {
        type: "list",
        text: "?",
        buttonText: "Open",
        sections: [
          { title: "A", rows: Array.from({ length: 6 }, (_, index) => ({ id: `a${index}`, title: `A${index}` })) },
          { title: "B", rows: Array.from({ length: 5 }, (_, index) => ({ id: `b${index}`, title: `B${index}` })) },
        ],
      },
      /at most 10 list rows/,
    ],
    [
      "a row title over 24 characters",
      { type: "list", text: "?", buttonText: "Open", sections: [{ title: "", rows: [{ id: "r", title: "This row title is too long" }] }] },
      /list row "This row title is too long" is too long/,
    ],
    [
      "a row description over 72 characters",
      { type: "list", text: "?", buttonText: "Open", sections: [{ title: "", rows: [{ id: "r", title: "Row", description: "d".repeat(73) }] }] },
      /description of "Row" is too long/,
    ],
    [
      "a list button label over 20 characters",
      { type: "list", text: "?", buttonText: "Open the list of options", sections: [{ title: "", rows: [{ id: "r", title: "Row" }] }] },
      /list button label is too long/,
    ],
    [
      "several sections without titles",
      {
        type: "list",
        text: "?",
        buttonText: "Open",
        sections: [
          { title: "", rows: [{ id: "a", title: "A" }] },
          { title: "", rows: [{ id: "b", title: "B" }] },
        ],
      },
      /section title is empty/,
    ],
    ["a template name with capitals", { type: "template", name: "Order Update", language: "en_US" }, /lowercase letters/],
  ];

  it.each(tooMuch)("rejects %s with a permanent error and sends nothing", async (_label, message, reason) => {
    const error = await sendAndCapture({ message });
    expect(error.kind).toBe("permanent");
    expect(error.code).toBe("invalid_message");
    expect(error.reason).toMatch(reason);
    expect(fake.requests).toHaveLength(0);
  });

  it("rejects a recipient that is not a phone number", async () => {
    const error = await sendAndCapture({ message: { type: "text", text: "hi" }, to: "not-a-number" });
    expect(error).toMatchObject({ kind: "permanent", code: "invalid_message" });
    expect(fake.requests).toHaveLength(0);
  });
});

describe("sendWhatsAppMessage: provider failures", () => {
  it("turns an invalid token into a reauth error, as the fake answers like Meta", async () => {
    const error = await sendAndCapture({ message: { type: "text", text: "hi" }, accessToken: "EAAUnknownTokenUnknownTokenUnknown123" });
    expect(error).toMatchObject({ kind: "reauth", code: "190", httpStatus: 401 });
    expect(error.message).not.toContain("EAAUnknownTokenUnknownTokenUnknown123");
  });

  it("retries after Meta's throughput limit (130429), honouring Retry-After", async () => {
    fake.failNext({ match: (request) => request.path.endsWith("/messages"), status: 400, body: fixture("wa-130429-rate-limit-hit.json") });
    expect(await sendAndCapture({ message: { type: "text", text: "hi" } })).toMatchObject({ kind: "retry", code: "130429", retryAfterSeconds: 10 });
    fake.failNext({ match: () => true, status: 400, body: fixture("wa-130429-rate-limit-hit.json"), headers: { "Retry-After": "42" } });
    expect(await sendAndCapture({ message: { type: "text", text: "hi" } })).toMatchObject({ kind: "retry", retryAfterSeconds: 42 });
  });

  it("fails permanently with a human reason when the 24-hour window is closed (131047)", async () => {
    fake.failNext({
      match: () => true,
      status: 400,
      body: {
        error: {
          message: "(#131047) Re-engagement message",
          type: "OAuthException",
          code: 131047,
          error_data: { messaging_product: "whatsapp", details: "Message failed to send because more than 24 hours have passed since the customer last replied to this number." },
          fbtrace_id: "AbCdEf",
        },
      },
    });
    const error = await sendAndCapture({ message: { type: "text", text: "hi" } });
    expect(error).toMatchObject({ kind: "permanent", code: "131047", reason: "The 24-hour window is closed: send an approved template" });
  });

  it("retries a 5xx answer that is not JSON", async () => {
    fake.failNext({ match: () => true, status: 502, body: "<html>Bad gateway</html>" });
    expect(await sendAndCapture({ message: { type: "text", text: "hi" } })).toMatchObject({ kind: "retry", code: "http_502", httpStatus: 502 });
  });

  it("retries when the connection drops", async () => {
    fake.failNext({ match: () => true, destroy: true });
    expect(await sendAndCapture({ message: { type: "text", text: "hi" } })).toMatchObject({ kind: "retry", code: "network_error" });
  });

  it("retries when Meta does not answer in time", async () => {
    fake.delayNext({ ms: 500 });
    const error = await sendAndCapture({ message: { type: "text", text: "hi" }, timeoutMs: 100 });
    expect(error).toMatchObject({ kind: "retry", code: "timeout" });
    expect(error.reason).toMatch(/did not answer within/);
  });

  it("fails permanently (no duplicate) when a 2xx answer is not a send response", async () => {
    fake.failNext({ match: () => true, status: 200, body: { success: true } });
    expect(await sendAndCapture({ message: { type: "text", text: "hi" } })).toMatchObject({ kind: "permanent", code: "unexpected_response" });
  });

  it("never puts the access token in an error, even when Meta echoes it", async () => {
    fake.failNext({
      match: () => true,
      status: 400,
      body: { error: { message: `Malformed access token ${TOKEN}`, type: "OAuthException", code: 9999, error_user_msg: `Token ${TOKEN} is odd` } },
    });
    const echoed = await sendAndCapture({ message: { type: "text", text: "hi" } });
    fake.failNext({ match: () => true, destroy: true });
    const network = await sendAndCapture({ message: { type: "text", text: "hi" } });
    for (const error of [echoed, network]) {
      const everything = JSON.stringify({ ...error, message: error.message, stack: error.stack });
      expect(everything).not.toContain(TOKEN);
    }
    expect(echoed.reason).toContain("[redacted]");
  });
});
