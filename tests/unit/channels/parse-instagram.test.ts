import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { InternalEvent, ParsedWebhook } from "@/lib/channels/types";
import { parseInstagramWebhook } from "@/lib/channels/instagram/parse-webhook";
import { WebhookPayloadError } from "@/lib/channels/webhook-payload-error";

const DIR = fileURLToPath(new URL("../../fixtures/instagram/", import.meta.url));
const fixture = (name: string): unknown => JSON.parse(readFileSync(DIR + name, "utf8"));
const seconds = (value: number) => new Date(value * 1000);
const millis = (value: number) => new Date(value);

const IG_ACCOUNT = "17841405822304914";
const IGSID = "7051234567891234";
const MID =
  "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDA1ODIyMzA0OTE0OjM0MDI4MjM2Njg0MTcxMDMwMTI0NDI1OTY3NDE4OTYwNzc1MDUzNjozMTg5MjY4NTE0MTQ3MTM2NDY4MzA2NjU0ODc1NDMxMTI5NgZDZD";
const MID2 =
  "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDA1ODIyMzA0OTE0OjM0MDI4MjM2Njg0MTcxMDMwMTI0NDI1OTY3NDE4OTYwNzc1MDUzNjozMTg5MjY4NTE0MTQ3MTM2NDY4MzA2NjU0ODc1NDMxMTI5OAZDZD";
const CDN = "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=";
/** The messaging timestamp (milliseconds) shared by most fixtures. */
const AT = millis(1569262485349);
const customer = { externalId: IGSID };

const events = (...list: InternalEvent[]): ParsedWebhook => ({ events: list, ignored: [] });
const ignoredOnly = (reason: string, path: string): ParsedWebhook => ({ events: [], ignored: [{ reason, path }] });
const dm = (content: Extract<InternalEvent, { kind: "message" }>["content"], extra: Partial<Extract<InternalEvent, { kind: "message" }>> = {}): InternalEvent => ({
  kind: "message",
  accountId: IG_ACCOUNT,
  timestamp: AT,
  externalId: MID,
  contact: customer,
  content,
  ...extra,
});

/** Every file in tests/fixtures/instagram and exactly what it must parse into. */
const expected: Record<string, ParsedWebhook> = {
  "ig-message-text.json": events(dm({ type: "text", text: "Hi! Is this still available?" })),
  "ig-message-image-attachment.json": events(
    dm({ type: "image", url: `${CDN}17932847521234567&signature=AbCdEfGhIjKlMnOpQrStUvWxYz0123456789` }),
  ),
  "ig-message-multiple-attachments.json": events(
    dm({ type: "image", url: `${CDN}17932847521234567&signature=FirstImageSignature` }),
    dm({ type: "image", url: `${CDN}17932847521234568&signature=SecondImageSignature` }, { externalId: `${MID}:1` }),
    dm({ type: "video", url: `${CDN}17932847521234569&signature=VideoSignature` }, { externalId: `${MID}:2` }),
  ),
  "ig-message-story-mention.json": events(
    dm({ type: "story_mention", url: `${CDN}17998765432101234&signature=StoryCdnSignaturePlaceholder` }),
  ),
  "ig-message-story-reply.json": events(
    dm({
      type: "story_reply",
      text: "Love this look!",
      storyUrl: `${CDN}17998765432109876&signature=StoryReplySignaturePlaceholder`,
      storyId: "17998765432109876",
    }),
  ),
  "ig-message-share.json": events(dm({ type: "share", url: `${CDN}18034567890123456&signature=SharePostSignaturePlaceholder` })),
  "ig-message-ig-reel.json": events(
    dm({
      type: "share",
      url: `${CDN}18056789012345678&signature=ReelSignaturePlaceholder`,
      title: "Three ways to style a linen shirt #summer",
    }),
  ),
  "ig-message-quick-reply.json": events(
    dm({ type: "interactive", reply: { kind: "quick_reply", id: "TRACK_ORDER", title: "Track my order" } }),
  ),
  "ig-message-reply-to-message.json": events(dm({ type: "text", text: "This one please" }, { externalId: MID2, replyToExternalId: MID })),
  "ig-message-ad-referral.json": events(
    dm(
      { type: "text", text: "Is the linen shirt still in stock?" },
      { referral: { source: "ADS", type: "OPEN_THREAD", adId: "120208765432100123", ref: "summer_campaign", headline: "Linen shirts are back" } },
    ),
  ),
  "ig-message-unsupported.json": events(dm({ type: "unsupported", providerType: "unsupported" })),
  "ig-messaging-postback.json": events(
    dm(
      { type: "interactive", reply: { kind: "postback", id: "TALK_TO_AGENT", title: "Talk to a representative" } },
      { timestamp: millis(1502905976377) },
    ),
  ),
  // Typed in the Instagram app on the phone: no app_id.
  "ig-message-echo.json": events({
    kind: "echo",
    accountId: IG_ACCOUNT,
    timestamp: AT,
    externalId: MID,
    contact: customer,
    content: { type: "text", text: "Thanks for reaching out! An agent will reply shortly." },
  }),
  "ig-message-echo-from-app.json": events({
    kind: "echo",
    accountId: IG_ACCOUNT,
    timestamp: AT,
    externalId: MID2,
    contact: customer,
    content: { type: "text", text: "Your order #1042 has shipped!" },
    appId: "1517776481860111",
  }),
  "ig-message-deleted.json": events({ kind: "deleted", accountId: IG_ACCOUNT, timestamp: AT, contact: customer, externalId: MID }),
  "ig-message-reaction-react.json": events({
    kind: "reaction",
    accountId: IG_ACCOUNT,
    timestamp: AT,
    contact: customer,
    targetExternalId: MID,
    emoji: "❤️",
  }),
  "ig-message-reaction-unreact.json": events({
    kind: "reaction",
    accountId: IG_ACCOUNT,
    timestamp: AT,
    contact: customer,
    targetExternalId: MID,
    emoji: null,
  }),
  "ig-messaging-seen.json": events({ kind: "read", accountId: IG_ACCOUNT, timestamp: AT, contact: customer, externalId: MID }),
  "ig-messaging-referral-only.json": ignoredOnly(
    "referral without a message (ig.me link or ad opened in an existing thread)",
    "entry[0].messaging[0].referral",
  ),
  "ig-comments.json": events({
    kind: "comment",
    accountId: IG_ACCOUNT,
    timestamp: seconds(1733155200),
    commentId: "17867301270523379",
    mediaId: "18050310947722369",
    mediaProductType: "FEED",
    text: "How much is this?",
    from: { id: "6789012345678901", username: "jane.doe.shop" },
  }),
  "ig-comment-reply-with-parent.json": events({
    kind: "comment",
    accountId: IG_ACCOUNT,
    timestamp: seconds(1733155260),
    commentId: "17867301270523411",
    mediaId: "18050310947722369",
    mediaProductType: "REELS",
    parentId: "17867301270523379",
    text: "@metricsaurus thanks!",
    from: { id: "6789012345678901", username: "jane.doe.shop" },
  }),
  "ig-live-comment.json": events({
    kind: "comment",
    accountId: IG_ACCOUNT,
    timestamp: seconds(1733156000),
    commentId: "17867301270529999",
    mediaId: "18061234567890123",
    mediaProductType: "LIVE",
    text: "Price of the green one?",
    from: { id: "6789012345678902", username: "live.viewer" },
  }),
  "ig-mentions-unknown-field.json": ignoredOnly('field "mentions" is not handled', "entry[0].changes[0]"),
  // The App Dashboard "Test" button: entry id "0", a messaging item inside changes[], time in seconds as a string.
  "ig-dashboard-test-messages.json": events({
    kind: "message",
    accountId: "0",
    timestamp: seconds(1527459824),
    externalId: "random_mid",
    contact: { externalId: "12334" },
    content: { type: "text", text: "random_text" },
  }),
  "ig-dashboard-test-comments.json": events({
    kind: "comment",
    accountId: "0",
    timestamp: seconds(1785108996),
    commentId: "17865799348089039",
    mediaId: "123123123",
    mediaProductType: "FEED",
    parentId: "1231231234",
    text: "This is an example.",
    from: { id: "232323232", username: "test" },
  }),
  "ig-page-object.json": ignoredOnly('object "page" is not an Instagram delivery', "object"),
};

const item = (payload: Record<string, unknown>, timestamp: unknown = 1569262485349) => ({
  sender: { id: IGSID },
  recipient: { id: IG_ACCOUNT },
  timestamp,
  ...payload,
});
const delivery = (...entries: Record<string, unknown>[]) => ({ object: "instagram", entry: entries });

describe("parseInstagramWebhook", () => {
  it("has an expectation for every Instagram fixture file", () => {
    expect(Object.keys(expected).sort()).toEqual(readdirSync(DIR).filter((name) => name.endsWith(".json")).sort());
  });

  it.each(Object.entries(expected))("parses %s into exactly the expected events", (name, result) => {
    expect(parseInstagramWebhook(fixture(name))).toStrictEqual(result);
  });

  it("reads every entry and every messaging item of a batch, for each account", () => {
    const other = "17841400000000001";
    const body = delivery(
      {
        id: IG_ACCOUNT,
        time: 1569262486134,
        messaging: [item({ message: { mid: "m1", text: "one" } }), item({ message: { mid: "m2", text: "two" } })],
      },
      { id: other, time: 1569262486134, messaging: [{ ...item({ read: { mid: "m0" } }), recipient: { id: other } }] },
    );
    expect(parseInstagramWebhook(body)).toStrictEqual(
      events(
        dm({ type: "text", text: "one" }, { externalId: "m1" }),
        dm({ type: "text", text: "two" }, { externalId: "m2" }),
        { kind: "read", accountId: other, timestamp: AT, contact: customer, externalId: "m0" },
      ),
    );
  });

  it("reads messaging timestamps in milliseconds and string timestamps in seconds as the same instant", () => {
    const inMillis = parseInstagramWebhook(delivery({ id: IG_ACCOUNT, messaging: [item({ message: { mid: "m", text: "x" } }, 1527459824000)] }));
    const inSeconds = parseInstagramWebhook(delivery({ id: IG_ACCOUNT, messaging: [item({ message: { mid: "m", text: "x" } }, "1527459824")] }));
    expect(inMillis.events[0]?.timestamp).toEqual(seconds(1527459824));
    expect(inSeconds).toStrictEqual(inMillis);
  });

  it("gives a postback without mid (API before v11) a stable id from sender and time", () => {
    const body = delivery({ id: IG_ACCOUNT, messaging: [item({ postback: { title: "Get started", payload: "GET_STARTED" } })] });
    const expectedEvent = dm(
      { type: "interactive", reply: { kind: "postback", id: "GET_STARTED", title: "Get started" } },
      { externalId: `postback:${IGSID}:1569262485349` },
    );
    expect(parseInstagramWebhook(body)).toStrictEqual(events(expectedEvent));
    expect(parseInstagramWebhook(body)).toStrictEqual(parseInstagramWebhook(body));
  });

  it("keeps the referral of a postback that opened the thread from an ad", () => {
    const body = delivery({
      id: IG_ACCOUNT,
      messaging: [item({ postback: { mid: "p1", title: "Start", payload: "START", referral: { ref: "spring", source: "ADS", type: "OPEN_THREAD", ad_id: "1200" } } })],
    });
    expect(parseInstagramWebhook(body).events).toStrictEqual([
      dm({ type: "interactive", reply: { kind: "postback", id: "START", title: "Start" } }, { externalId: "p1", referral: { source: "ADS", type: "OPEN_THREAD", adId: "1200", ref: "spring" } }),
    ]);
  });

  it("maps every attachment type it knows and marks the others unsupported", () => {
    const attachments = ["audio", "file", "reel", "ig_post", "template"].map((type) => ({ type, payload: { url: `https://cdn.example/${type}` } }));
    const result = parseInstagramWebhook(delivery({ id: IG_ACCOUNT, messaging: [item({ message: { mid: "m", attachments } })] }));
    expect(result.events.map((event) => (event.kind === "message" ? event.content : null))).toStrictEqual([
      { type: "audio", url: "https://cdn.example/audio" },
      { type: "file", url: "https://cdn.example/file" },
      { type: "share", url: "https://cdn.example/reel" },
      { type: "share", url: "https://cdn.example/ig_post" },
      { type: "unsupported", providerType: "attachment.template" },
    ]);
  });

  it("keeps the rest of a batch when one messaging item is malformed or unknown", () => {
    const body = delivery({
      id: IG_ACCOUNT,
      messaging: [
        item({ message: { mid: "m1", text: "kept" } }),
        { recipient: { id: IG_ACCOUNT }, timestamp: 1, message: { mid: "m2", text: "no sender" } },
        item({ message_edit: { mid: "m1", text: "edited", num_edit: 1 } }),
        item({ message: { text: "no mid" } }),
        item({ message: { mid: "m3", text: "also kept" } }),
      ],
    });
    const result = parseInstagramWebhook(body);
    expect(result.events.map((event) => (event.kind === "message" ? event.externalId : null))).toEqual(["m1", "m3"]);
    expect(result.ignored).toStrictEqual([
      { reason: expect.stringContaining("malformed messaging event (sender:"), path: "entry[0].messaging[1]" },
      { reason: 'messaging event "message_edit" is not handled', path: "entry[0].messaging[2]" },
      { reason: expect.stringContaining("malformed message (mid:"), path: "entry[0].messaging[3].message" },
    ]);
  });

  it("ignores standby events (another app controls the thread), with a reason", () => {
    const result = parseInstagramWebhook(delivery({ id: IG_ACCOUNT, standby: [item({ message: { mid: "m", text: "x" } })] }));
    expect(result).toStrictEqual(ignoredOnly("standby event: another app controls this conversation", "entry[0].standby[0]"));
  });

  it("ignores a malformed comment and keeps the other changes", () => {
    const body = delivery({
      id: IG_ACCOUNT,
      time: 1733155200,
      changes: [
        { field: "comments", value: { id: "c1", text: "no media", from: { id: "u1" } } },
        { field: "comments", value: { id: "c2", from: { id: "u2" }, media: { id: "m2" } } },
      ],
    });
    expect(parseInstagramWebhook(body)).toStrictEqual({
      events: [{ kind: "comment", accountId: IG_ACCOUNT, timestamp: seconds(1733155200), commentId: "c2", mediaId: "m2", text: "", from: { id: "u2" } }],
      ignored: [{ reason: expect.stringContaining("malformed comment (media:"), path: "entry[0].changes[0].value" }],
    });
  });

  it.each([
    ["null", null],
    ["a number", 42],
    ["an array", []],
    ["an object without entry", { object: "instagram" }],
    ["an object without object", { entry: [] }],
    ["entry that is not an array", { object: "instagram", entry: "x" }],
    ["a bare change (field + value) instead of an envelope", { field: "messages", value: item({ message: { mid: "m", text: "x" } }) }],
  ])("throws WebhookPayloadError for %s", (_, body) => {
    expect(() => parseInstagramWebhook(body)).toThrow(WebhookPayloadError);
  });
});
