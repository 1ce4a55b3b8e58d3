// Every Instagram sample in tests/fixtures/instagram through the platform-wide endpoint (signed
// with the Meta app secret), its processing job, and the rows it must leave: contacts, messages,
// echoes, reactions, deletions, read receipts and comments. Each fixture gets its own channel;
// the sample's IG account id is replaced by that channel's, which is how entries are routed.
import { readdirSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET } from "@/app/api/webhooks/instagram/route";
import { prisma } from "@/lib/db/client";
import { queues } from "@/lib/jobs/queues";
import { signMetaBody } from "@/lib/simulate/payloads";
import type { InstagramCredentials } from "@/lib/channels/credentials";
import { startFakeProviders, type FakeProviders } from "@/tests/fakes/fake-providers";
import { createInstagramChannel, postInstagram, registerInstagramWithFake, seedConversation, seedOutboundMessage, type TestChannel } from "../helpers/channels";
import { createAccount, uniqueSuffix } from "../helpers/factories";
import { call, readJson } from "../helpers/http";
import { discardWaitingJobs, listJobs, processStoredEvents, runJobs } from "../helpers/jobs";

const FIXTURES = new URL("../fixtures/instagram/", import.meta.url);
const SAMPLE_ACCOUNT_ID = "17841405822304914";
const CUSTOMER = "7051234567891234";
const MID = "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDA1ODIyMzA0OTE0OjM0MDI4MjM2Njg0MTcxMDMwMTI0NDI1OTY3NDE4OTYwNzc1MDUzNjozMTg5MjY4NTE0MTQ3MTM2NDY4MzA2NjU0ODc1NDMxMTI5NgZDZD";
const MID_2 = "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDA1ODIyMzA0OTE0OjM0MDI4MjM2Njg0MTcxMDMwMTI0NDI1OTY3NDE4OTYwNzc1MDUzNjozMTg5MjY4NTE0MTQ3MTM2NDY4MzA2NjU0ODc1NDMxMTI5OAZDZD";
const SENT_AT = new Date(1569262485349);

type Channel = TestChannel<InstagramCredentials>;

type MessageRow = { externalId: string; contentType: string; content: unknown; direction?: string; senderType?: string; status?: string; replyToExternalId?: string | null; referral?: unknown };

type Case = {
  /** The endpoint answers 200 without storing anything (not an Instagram delivery). */
  notStored?: boolean;
  seed?: (channel: Channel) => Promise<void>;
  /** Edits the sample before it is signed (e.g. a current timestamp). */
  transform?: (body: string) => string;
  status?: "processed" | "ignored";
  /** False when no entry could be routed to a channel (the event stays without workspace). */
  routed?: boolean;
  ignored?: string[];
  contacts?: string[];
  messages?: MessageRow[];
  conversation?: { unreadCount: number; lastInboundAt: Date | null; lastMessagePreview: string | null };
  check?: (channel: Channel) => Promise<void>;
};

/**
 * Samples with no account id of ours are the same bytes in every run, and the same bytes on
 * this endpoint are one delivery (deduplicated): a top-level key Meta does not send (ignored by
 * the parser) keeps each run's delivery its own on a shared database.
 */
function uniqueBytes(body: string) {
  return body.replace(/}\s*$/, `, "x_test_run": "${uniqueSuffix()}"}`);
}

/** One inbound DM from the customer. */
function dm(content: Omit<MessageRow, "externalId"> & { externalId?: string }, preview: string): Case {
  return {
    status: "processed",
    contacts: [CUSTOMER],
    messages: [{ externalId: MID, direction: "inbound", senderType: "contact", status: "received", replyToExternalId: null, referral: null, ...content }],
    conversation: { unreadCount: 1, lastInboundAt: SENT_AT, lastMessagePreview: preview },
  };
}

function comment(expected: Record<string, unknown>): Case {
  return {
    status: "processed",
    contacts: [],
    messages: [],
    check: async (channel) => {
      const comments = await prisma.instagramComment.findMany({ where: { channelId: channel.id } });
      expect(comments).toHaveLength(1);
      expect(comments[0]).toMatchObject({ workspaceId: channel.workspaceId, ...expected });
    },
  };
}

const cases: Record<string, Case> = {
  "ig-comment-reply-with-parent.json": comment({
    externalId: "17867301270523411",
    mediaId: "18050310947722369",
    mediaProductType: "REELS",
    parentId: "17867301270523379",
    text: "@metricsaurus thanks!",
    fromId: "6789012345678901",
    fromUsername: "jane.doe.shop",
    commentedAt: new Date(1733155260 * 1000),
  }),
  "ig-comments.json": comment({
    externalId: "17867301270523379",
    mediaId: "18050310947722369",
    mediaProductType: "FEED",
    parentId: null,
    text: "How much is this?",
    fromId: "6789012345678901",
    fromUsername: "jane.doe.shop",
    commentedAt: new Date(1733155200 * 1000),
  }),
  // The App Dashboard's "Test" deliveries name account "0": no channel is routed.
  "ig-dashboard-test-comments.json": { transform: uniqueBytes, status: "ignored", routed: false, ignored: ["no connected channel for account 0"], contacts: [], messages: [] },
  "ig-dashboard-test-messages.json": { transform: uniqueBytes, status: "ignored", routed: false, ignored: ["no connected channel for account 0"], contacts: [], messages: [] },
  "ig-live-comment.json": comment({
    externalId: "17867301270529999",
    mediaId: "18061234567890123",
    mediaProductType: "LIVE",
    parentId: null,
    text: "Price of the green one?",
    fromId: "6789012345678902",
    fromUsername: "live.viewer",
    commentedAt: new Date(1733156000 * 1000),
  }),
  "ig-mentions-unknown-field.json": { status: "ignored", routed: false, ignored: ['field "mentions" is not handled'], contacts: [], messages: [] },
  "ig-message-ad-referral.json": dm(
    {
      contentType: "text",
      content: { type: "text", text: "Is the linen shirt still in stock?" },
      referral: { source: "ADS", type: "OPEN_THREAD", adId: "120208765432100123", ref: "summer_campaign", headline: "Linen shirts are back" },
    },
    "Is the linen shirt still in stock?",
  ),
  // The customer unsends a message we stored: it is kept, marked deleted at Meta's time.
  "ig-message-deleted.json": {
    seed: async (channel) => {
      const text = fixtureFor("ig-message-text.json", channel);
      expect((await postInstagram(text)).status).toBe(200);
      await processStoredEvents({ provider: "instagram", body: text });
    },
    status: "processed",
    contacts: [CUSTOMER],
    messages: [{ externalId: MID, direction: "inbound", contentType: "text", content: { type: "text", text: "Hi! Is this still available?" } }],
    check: async (channel) => {
      const message = await prisma.message.findUniqueOrThrow({ where: { channelId_externalId: { channelId: channel.id, externalId: MID } } });
      expect(message.deletedAt).toEqual(SENT_AT);
    },
  },
  // Sent from another tool through the API (app_id): no message of ours matches, stored as
  // outbound from sender "external".
  "ig-message-echo-from-app.json": {
    status: "processed",
    contacts: [CUSTOMER],
    messages: [
      { externalId: MID_2, direction: "outbound", senderType: "external", status: "sent", contentType: "text", content: { type: "text", text: "Your order #1042 has shipped!" } },
    ],
    conversation: { unreadCount: 0, lastInboundAt: null, lastMessagePreview: "Your order #1042 has shipped!" },
    check: async (channel) => {
      const message = await prisma.message.findUniqueOrThrow({ where: { channelId_externalId: { channelId: channel.id, externalId: MID_2 } } });
      const traces = await prisma.messageTrace.findMany({ where: { messageId: message.id } });
      expect(traces.map((trace) => [trace.step, trace.detail])).toEqual([["echo_stored", { appId: "1517776481860111" }]]);
    },
  },
  // The echo of a message our send job has not recorded yet: it matches that row (same text)
  // and gives it the provider id instead of adding a second message.
  "ig-message-echo.json": {
    seed: async (channel) => {
      const { conversationId } = await seedConversation({ channel, contactExternalId: CUSTOMER });
      await seedOutboundMessage({ channel, conversationId, text: "Thanks for reaching out! An agent will reply shortly.", status: "pending" });
    },
    status: "processed",
    contacts: [CUSTOMER],
    messages: [
      {
        externalId: MID,
        direction: "outbound",
        senderType: "agent",
        contentType: "text",
        content: { type: "text", text: "Thanks for reaching out! An agent will reply shortly.", outbound: { type: "text", text: "Thanks for reaching out! An agent will reply shortly." } },
      },
    ],
  },
  "ig-message-ig-reel.json": dm(
    {
      contentType: "share",
      content: {
        type: "share",
        url: "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=18056789012345678&signature=ReelSignaturePlaceholder",
        title: "Three ways to style a linen shirt #summer",
      },
    },
    "[shared] Three ways to style a linen shirt #summer",
  ),
  "ig-message-image-attachment.json": dm(
    { contentType: "image", content: { type: "image", url: "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=17932847521234567&signature=AbCdEfGhIjKlMnOpQrStUvWxYz0123456789" } },
    "[image]",
  ),
  // One message per attachment; the first keeps the mid.
  "ig-message-multiple-attachments.json": {
    status: "processed",
    contacts: [CUSTOMER],
    messages: [
      { externalId: MID, contentType: "image", content: { type: "image", url: "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=17932847521234567&signature=FirstImageSignature" } },
      { externalId: `${MID}:1`, contentType: "image", content: { type: "image", url: "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=17932847521234568&signature=SecondImageSignature" } },
      { externalId: `${MID}:2`, contentType: "video", content: { type: "video", url: "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=17932847521234569&signature=VideoSignature" } },
    ],
    conversation: { unreadCount: 3, lastInboundAt: SENT_AT, lastMessagePreview: "[video]" },
  },
  "ig-message-quick-reply.json": dm(
    { contentType: "interactive", content: { type: "interactive", reply: { kind: "quick_reply", id: "TRACK_ORDER", title: "Track my order" } } },
    "Track my order",
  ),
  "ig-message-reaction-react.json": {
    status: "processed",
    contacts: [CUSTOMER],
    messages: [
      {
        externalId: `reaction:${MID}:${CUSTOMER}:${SENT_AT.getTime()}`,
        direction: "inbound",
        contentType: "reaction",
        content: { type: "reaction", emoji: "❤️", targetExternalId: MID },
      },
    ],
    conversation: { unreadCount: 0, lastInboundAt: null, lastMessagePreview: null },
  },
  "ig-message-reaction-unreact.json": {
    status: "processed",
    contacts: [CUSTOMER],
    messages: [
      { externalId: `reaction:${MID}:${CUSTOMER}:${SENT_AT.getTime()}`, direction: "inbound", contentType: "reaction", content: { type: "reaction", emoji: null, targetExternalId: MID } },
    ],
    conversation: { unreadCount: 0, lastInboundAt: null, lastMessagePreview: null },
  },
  "ig-message-reply-to-message.json": {
    ...dm({ externalId: MID_2, contentType: "text", content: { type: "text", text: "This one please" }, replyToExternalId: MID }, "This one please"),
  },
  "ig-message-share.json": dm(
    { contentType: "share", content: { type: "share", url: "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=18034567890123456&signature=SharePostSignaturePlaceholder" } },
    "[shared] https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=18034567890123456&signature=SharePostSignaturePlaceholder",
  ),
  "ig-message-story-mention.json": dm(
    { contentType: "story_mention", content: { type: "story_mention", url: "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=17998765432101234&signature=StoryCdnSignaturePlaceholder" } },
    "[mentioned you in a story]",
  ),
  "ig-message-story-reply.json": dm(
    {
      contentType: "story_reply",
      content: {
        type: "story_reply",
        text: "Love this look!",
        storyUrl: "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=17998765432109876&signature=StoryReplySignaturePlaceholder",
        storyId: "17998765432109876",
      },
    },
    "[story reply] Love this look!",
  ),
  // Also: the new contact's profile is fetched by its own job from the Graph API.
  "ig-message-text.json": {
    ...dm({ contentType: "text", content: { type: "text", text: "Hi! Is this still available?" } }, "Hi! Is this still available?"),
    check: async (channel) => {
      const contact = await prisma.contact.findFirstOrThrow({ where: { channelId: channel.id } });
      expect(contact).toMatchObject({ displayName: null, username: null });
      const jobs = await listJobs({ queue: queues.fetchProfile.name, match: { contactId: contact.id } });
      expect(jobs).toHaveLength(1);
      const runs = await runJobs({ queue: queues.fetchProfile.name, match: { contactId: contact.id } });
      expect(runs.map((run) => run.error)).toEqual([undefined]);
      const fetched = await prisma.contact.findUniqueOrThrow({ where: { id: contact.id } });
      expect(fetched).toMatchObject({ displayName: "Sheena Nelson", username: "sheena.shops", avatarUrl: "https://cdn.example.com/sheena.jpg" });
      expect(fetched.profileFetchedAt).toBeInstanceOf(Date);
      const request = fake.requests.find((r) => r.method === "GET" && r.path.endsWith(`/${CUSTOMER}`) && r.headers.authorization === `Bearer ${channel.credentials.pageAccessToken}`);
      expect(request?.query.fields).toContain("username");
    },
  },
  "ig-message-unsupported.json": dm({ contentType: "unsupported", content: { type: "unsupported", providerType: "unsupported" } }, "[unsupported message]"),
  "ig-messaging-postback.json": {
    status: "processed",
    contacts: [CUSTOMER],
    messages: [
      {
        externalId: MID,
        direction: "inbound",
        contentType: "interactive",
        content: { type: "interactive", reply: { kind: "postback", id: "TALK_TO_AGENT", title: "Talk to a representative" } },
      },
    ],
    conversation: { unreadCount: 1, lastInboundAt: new Date(1502905976377), lastMessagePreview: "Talk to a representative" },
  },
  "ig-messaging-referral-only.json": {
    status: "ignored",
    routed: false,
    ignored: ["referral without a message (ig.me link or ad opened in an existing thread)"],
    contacts: [],
    messages: [],
  },
  // Seen now: everything we sent to this person before that moment becomes "read".
  "ig-messaging-seen.json": {
    seed: async (channel) => {
      const { conversationId } = await seedConversation({ channel, contactExternalId: CUSTOMER });
      await seedOutboundMessage({ channel, conversationId, externalId: MID, status: "delivered" });
    },
    transform: (body) => body.replaceAll("1569262485349", String(Date.now() + 1000)),
    status: "processed",
    contacts: [CUSTOMER],
    check: async (channel) => {
      const message = await prisma.message.findUniqueOrThrow({ where: { channelId_externalId: { channelId: channel.id, externalId: MID } } });
      expect(message.status).toBe("read");
    },
  },
  // Messenger (object "page") never carries this channel's DMs: acknowledged, not stored.
  "ig-page-object.json": { notStored: true },
};

let workspaceId: string;
let fake: FakeProviders;
const saved = { secret: process.env.META_APP_SECRET, token: process.env.META_VERIFY_TOKEN, graph: process.env.GRAPH_API_URL };
const APP_SECRET = "ig-platform-app-secret-0123456789";
const VERIFY_TOKEN = "ig-platform-verify-token-0123456789";

afterAll(() => discardWaitingJobs([workspaceId]));

beforeAll(async () => {
  process.env.META_APP_SECRET = APP_SECRET;
  process.env.META_VERIFY_TOKEN = VERIFY_TOKEN;
  fake = await startFakeProviders();
  process.env.GRAPH_API_URL = fake.graphUrl;
  fake.registerInstagramUser(CUSTOMER, { name: "Sheena Nelson", username: "sheena.shops", profile_pic: "https://cdn.example.com/sheena.jpg", follower_count: 120 });
  workspaceId = (await createAccount({ label: "ig-fixtures" })).workspace.id;
});

afterAll(async () => {
  await fake.close();
  for (const [key, value] of [["META_APP_SECRET", saved.secret], ["META_VERIFY_TOKEN", saved.token], ["GRAPH_API_URL", saved.graph]] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

function fixtureFor(name: string, channel: Channel) {
  return readFileSync(new URL(name, FIXTURES), "utf8").replaceAll(SAMPLE_ACCOUNT_ID, channel.externalId);
}

async function newChannel() {
  const channel = await createInstagramChannel({ workspaceId });
  registerInstagramWithFake(fake, channel);
  return channel;
}

describe("GET /api/webhooks/instagram and signature checks", () => {
  it("answers the challenge only for META_VERIFY_TOKEN", async () => {
    const ok = await call(GET, `/api/webhooks/instagram?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=987654`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("987654");
    const wrong = await call(GET, "/api/webhooks/instagram?hub.mode=subscribe&hub.verify_token=nope-nope-nope-nope&hub.challenge=987654");
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).not.toContain("987654");
  });

  it("answers 401 and stores nothing for a delivery not signed with the Meta app secret", async () => {
    const channel = await newChannel();
    const body = fixtureFor("ig-message-text.json", channel);
    for (const options of [{ secret: "another-app-secret-0123456789" }, { signature: null }, { signature: signMetaBody(body.replace("available", "free"), APP_SECRET) }]) {
      expect((await postInstagram(body, options)).status).toBe(401);
    }
    expect(await prisma.webhookEvent.count({ where: { provider: "instagram", body } })).toBe(0);
  });

  it("fails closed with 404 when the server has no META_APP_SECRET", async () => {
    const channel = await newChannel();
    const body = fixtureFor("ig-message-text.json", channel);
    delete process.env.META_APP_SECRET;
    try {
      expect((await postInstagram(body, { secret: APP_SECRET })).status).toBe(404);
    } finally {
      process.env.META_APP_SECRET = APP_SECRET;
    }
    expect(await prisma.webhookEvent.count({ where: { provider: "instagram", body } })).toBe(0);
  });
});

describe("Instagram fixtures through the endpoint and the processing job", () => {
  it("has a case for every fixture file", () => {
    const files = readdirSync(FIXTURES).filter((file) => file.endsWith(".json")).sort();
    expect(files).toEqual(Object.keys(cases).sort());
  });

  for (const [name, expected] of Object.entries(cases)) {
    it(`stores ${name} as the right rows`, async () => {
      const channel = await newChannel();
      await expected.seed?.(channel);
      const body = (expected.transform ?? ((text: string) => text))(fixtureFor(name, channel));
      const res = await postInstagram(body);
      expect(res.status).toBe(200);
      if (expected.notStored) {
        expect(await readJson(res)).toEqual({ status: "ignored" });
        expect(await prisma.webhookEvent.count({ where: { provider: "instagram", body } })).toBe(0);
        return;
      }
      expect(await readJson(res)).toEqual({ status: "stored" });
      const { eventIds } = await processStoredEvents({ provider: "instagram", body });
      expect(eventIds).toHaveLength(1);

      const event = await prisma.webhookEvent.findUniqueOrThrow({ where: { id: eventIds[0] } });
      const routed = expected.routed ?? true;
      expect(event).toMatchObject({
        status: expected.status,
        attempts: 1,
        lastError: null,
        // Routed by entry.id: the event joins the workspace of the channel it reached.
        workspaceId: routed ? workspaceId : null,
        channelId: routed ? channel.id : null,
      });
      expect(((event.ignored ?? []) as { reason: string }[]).map((item) => item.reason)).toEqual(expected.ignored ?? []);

      if (expected.contacts) {
        const contacts = await prisma.contact.findMany({ where: { channelId: channel.id }, orderBy: { externalId: "asc" } });
        expect(contacts.map((contact) => contact.externalId)).toEqual(expected.contacts);
      }
      if (expected.messages) {
        const messages = await prisma.message.findMany({ where: { channelId: channel.id }, orderBy: [{ createdAt: "asc" }, { externalId: "asc" }] });
        expect(messages).toHaveLength(expected.messages.length);
        expected.messages.forEach((message, i) => expect(messages[i]).toMatchObject({ workspaceId, ...message }));
      }
      if (expected.conversation) {
        const conversations = await prisma.conversation.findMany({ where: { channelId: channel.id } });
        expect(conversations).toHaveLength(1);
        expect(conversations[0]).toMatchObject(expected.conversation);
      }
      await expected.check?.(channel);
    });
  }
});
