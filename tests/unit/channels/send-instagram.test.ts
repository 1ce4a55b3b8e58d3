import { readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { fetchInstagramProfile } from "@/lib/channels/instagram/profile";
import { sendInstagramMessage } from "@/lib/channels/instagram/send";
import { ProviderError } from "@/lib/channels/provider-error";
import type { OutboundMessage, SendOptions } from "@/lib/channels/types";
import { FAKE_DEFAULTS, startFakeProviders, type FakeProviders } from "@/tests/fakes/fake-providers";

const TOKEN = FAKE_DEFAULTS.pageAccessToken;
const IGSID = "7051234567891234";
const credentials = { igAccountId: FAKE_DEFAULTS.igAccountId, accessToken: TOKEN };

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../fixtures/graph-errors/${name}`, import.meta.url), "utf8"));
}

let fake: FakeProviders;
const savedUrl = process.env.GRAPH_API_URL;

beforeAll(async () => {
  fake = await startFakeProviders();
  process.env.GRAPH_API_URL = fake.graphUrl;
});
afterEach(() => fake.reset());
afterAll(async () => {
  await fake.close();
  process.env.GRAPH_API_URL = savedUrl;
});

type SendInput = { message: OutboundMessage; options?: Partial<SendOptions>; accessToken?: string };

function send({ message, options, accessToken = TOKEN }: SendInput) {
  return sendInstagramMessage({ credentials: { ...credentials, accessToken }, to: IGSID, message, options: { idempotencyKey: "msg_1", ...options } });
}

async function capture(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof ProviderError)) throw new Error(`expected a ProviderError, got ${String(error)}`);
  return error;
}

async function sentMessage(message: OutboundMessage): Promise<unknown> {
  await send({ message });
  expect(fake.requests).toHaveLength(1);
  return fake.requests[0].body;
}

describe("sendInstagramMessage: what is sent", () => {
  it("posts a text reply to me/messages with the Page token in the Authorization header", async () => {
    const result = await send({ message: { type: "text", text: "Hi there! 👋" } });
    const request = fake.requests[0];
    expect(request.method).toBe("POST");
    expect(request.path).toBe("/v24.0/me/messages");
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request.query).toEqual({});
    expect(request.body).toEqual({ recipient: { id: IGSID }, messaging_type: "RESPONSE", message: { text: "Hi there! 👋" } });
    expect(result.externalId).toMatch(/^aWdf/);
  });

  it("returns a different mid for every message", async () => {
    const first = await send({ message: { type: "text", text: "one" } });
    const second = await send({ message: { type: "text", text: "two" } });
    expect(first.externalId).not.toBe(second.externalId);
  });

  it("tags a human agent reply outside the 24-hour window", async () => {
    await send({ message: { type: "text", text: "Sorry for the wait" }, options: { messageTag: "HUMAN_AGENT" } });
    expect(fake.requests[0].body).toEqual({
      recipient: { id: IGSID },
      messaging_type: "MESSAGE_TAG",
      tag: "HUMAN_AGENT",
      message: { text: "Sorry for the wait" },
    });
  });

  it.each(["image", "video", "audio", "file"] as const)("sends %s media as an attachment by URL", async (media) => {
    const body = await sentMessage({ type: "media", media, url: `https://cdn.example.com/${media}` });
    expect(body).toEqual({
      recipient: { id: IGSID },
      messaging_type: "RESPONSE",
      message: { attachment: { type: media, payload: { url: `https://cdn.example.com/${media}` } } },
    });
  });

  it("sends quick replies with the option id as payload", async () => {
    const body = await sentMessage({ type: "quick_replies", text: "Pick one", options: [{ id: "visit", title: "Visit a store" }, { id: "chat", title: "Live chat" }] });
    expect(body).toEqual({
      recipient: { id: IGSID },
      messaging_type: "RESPONSE",
      message: {
        text: "Pick one",
        quick_replies: [
          { content_type: "text", title: "Visit a store", payload: "visit" },
          { content_type: "text", title: "Live chat", payload: "chat" },
        ],
      },
    });
  });

  it("sends buttons as a button template with postback buttons", async () => {
    const body = await sentMessage({ type: "buttons", text: "What do you want to do next?", buttons: [{ id: "track", title: "Track my order" }, { id: "agent", title: "Talk to us" }] });
    expect(body).toEqual({
      recipient: { id: IGSID },
      messaging_type: "RESPONSE",
      message: {
        attachment: {
          type: "template",
          payload: {
            template_type: "button",
            text: "What do you want to do next?",
            buttons: [
              { type: "postback", title: "Track my order", payload: "track" },
              { type: "postback", title: "Talk to us", payload: "agent" },
            ],
          },
        },
      },
    });
  });

  it("sends a list as quick replies (Instagram has no list message)", async () => {
    const body = await sentMessage({
      type: "list",
      text: "Which size?",
      buttonText: "Sizes",
      sections: [
        { title: "Small", rows: [{ id: "xs", title: "XS", description: "extra small" }, { id: "s", title: "S" }] },
        { title: "Large", rows: [{ id: "l", title: "L" }] },
      ],
    });
    expect(body).toEqual({
      recipient: { id: IGSID },
      messaging_type: "RESPONSE",
      message: {
        text: "Which size?",
        quick_replies: [
          { content_type: "text", title: "XS", payload: "xs" },
          { content_type: "text", title: "S", payload: "s" },
          { content_type: "text", title: "L", payload: "l" },
        ],
      },
    });
  });
});

describe("sendInstagramMessage: limits are enforced before sending", () => {
  const rejected: [string, OutboundMessage, RegExp][] = [
    ["text over 1000 characters", { type: "text", text: "a".repeat(1001) }, /too long for Instagram: 1001 characters, at most 1000/],
    [
      "fourteen quick replies",
      { type: "quick_replies", text: "?", options: Array.from({ length: 14 }, (_, index) => ({ id: `o${index}`, title: `Option ${index}` })) },
      /at most 13 quick replies; this message has 14/,
    ],
    ["a quick reply title over 20 characters", { type: "quick_replies", text: "?", options: [{ id: "a", title: "This title is way too long" }] }, /too long/],
    ["four buttons", { type: "buttons", text: "?", buttons: ["a", "b", "c", "d"].map((id) => ({ id, title: id })) }, /at most 3 buttons/],
    ["button text over 640 characters", { type: "buttons", text: "b".repeat(641), buttons: [{ id: "a", title: "A" }] }, /at most 640/],
    ["a template", { type: "template", name: "order_update", language: "en_US" }, /templates are WhatsApp-only/],
    ["a media caption", { type: "media", media: "image", url: "https://x.test/a.jpg", caption: "Look" }, /can't add a caption/],
  ];

  it.each(rejected)("rejects %s with a permanent error and sends nothing", async (_label, message, reason) => {
    const error = await capture(send({ message }));
    expect(error).toMatchObject({ kind: "permanent", code: "invalid_message" });
    expect(error.reason).toMatch(reason);
    expect(fake.requests).toHaveLength(0);
  });
});

describe("sendInstagramMessage: provider failures", () => {
  it("fails permanently with a human reason when the person is unavailable (551)", async () => {
    fake.failNext({ match: () => true, status: 400, body: fixture("messenger-551-user-unavailable.json") });
    expect(await capture(send({ message: { type: "text", text: "hi" } }))).toMatchObject({ kind: "permanent", code: "551", reason: "This person isn't available right now" });
  });

  it("fails permanently when the messaging window is closed (10 / 2534022)", async () => {
    fake.failNext({ match: () => true, status: 403, body: fixture("instagram-login-10-2534022-outside-window.json") });
    const error = await capture(send({ message: { type: "text", text: "hi" } }));
    expect(error).toMatchObject({ kind: "permanent", code: "10", subcode: "2534022", httpStatus: 403 });
    expect(error.reason).toMatch(/messaging window is closed/);
  });

  it("asks for re-auth when the Page token expired (190 / 463)", async () => {
    fake.failNext({ match: () => true, status: 400, body: fixture("oauth-190-463-session-expired.json") });
    expect(await capture(send({ message: { type: "text", text: "hi" } }))).toMatchObject({ kind: "reauth", code: "190", subcode: "463" });
  });

  it("asks for re-auth when the fake does not know the token", async () => {
    const error = await capture(send({ message: { type: "text", text: "hi" }, accessToken: "EAAUnknownPageTokenUnknownPageToken12" }));
    expect(error).toMatchObject({ kind: "reauth", code: "190" });
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain("EAAUnknownPageTokenUnknownPageToken12");
  });

  it("waits as long as the Business Use Case header says after a rate limit", async () => {
    fake.failNext({
      match: () => true,
      status: 400,
      body: fixture("rate-limit-4-application.json"),
      headers: {
        "X-Business-Use-Case-Usage": JSON.stringify({
          [FAKE_DEFAULTS.pageId]: [{ type: "messenger", call_count: 100, total_cputime: 20, total_time: 20, estimated_time_to_regain_access: 12 }],
        }),
      },
    });
    expect(await capture(send({ message: { type: "text", text: "hi" } }))).toMatchObject({ kind: "retry", code: "4", retryAfterSeconds: 720 });
  });

  it("retries when the connection drops", async () => {
    fake.failNext({ match: () => true, destroy: true });
    expect(await capture(send({ message: { type: "text", text: "hi" } }))).toMatchObject({ kind: "retry", code: "network_error" });
  });
});

describe("fetchInstagramProfile", () => {
  it("asks for the profile fields and maps them", async () => {
    fake.registerInstagramUser(IGSID, {
      name: "Ana Souza",
      username: "ana.souza",
      profile_pic: "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1",
      follower_count: 1234,
      is_verified_user: false,
      is_user_follow_business: true,
      is_business_follow_user: false,
    });
    const profile = await fetchInstagramProfile({ credentials, igsid: IGSID });
    const request = fake.requests[0];
    expect(request.method).toBe("GET");
    expect(request.path).toBe(`/v24.0/${IGSID}`);
    expect(request.query).toEqual({ fields: "name,username,profile_pic,follower_count,is_verified_user,is_user_follow_business,is_business_follow_user" });
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(profile).toEqual({
      name: "Ana Souza",
      username: "ana.souza",
      profilePic: "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1",
      followerCount: 1234,
      isVerified: false,
      isUserFollowBusiness: true,
      isBusinessFollowUser: false,
    });
  });

  it("leaves out fields Instagram does not return", async () => {
    fake.registerInstagramUser("7051234567890000", { username: "private.person" });
    expect(await fetchInstagramProfile({ credentials, igsid: "7051234567890000" })).toEqual({ username: "private.person" });
  });

  it("fails permanently for an unknown user (Graph 100 / 33)", async () => {
    expect(await capture(fetchInstagramProfile({ credentials, igsid: "1111111111" }))).toMatchObject({ kind: "permanent", code: "100", subcode: "33" });
  });
});
