// Instagram comment-to-DM rules through the real pipeline (signed comment webhook → ingestion →
// automation job → comment-reply jobs) against the fake Graph API: a public reply and a private
// reply once per comment, a cooldown per commenter and rule (24 hours unless the rule sets one,
// 0 = none), only recent comments, the
// 7-day private-reply limit and the hourly pacing per account.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InstagramCredentials } from "@/lib/channels/credentials";
import { prisma } from "@/lib/db/client";
import { getPgPool } from "@/lib/db/pg";
import { PRIVATE_REPLIES_PER_HOUR } from "@/lib/flows/runner/send-comment-reply";
import { enqueue } from "@/lib/jobs/enqueue";
import { queues } from "@/lib/jobs/queues";
import { instagramCommentPayload } from "@/lib/simulate/payloads";
import { startFakeProviders, type FakeProviders } from "@/tests/fakes/fake-providers";
import { createInstagramChannel, postInstagram, randomDigits, registerInstagramWithFake, type TestChannel } from "../helpers/channels";
import { createAccount } from "../helpers/factories";
import { currentJobSchema, discardWaitingJobs, listJobs, processStoredEvents } from "../helpers/jobs";
import { discardAutomationJobs, publishTestFlow, runAutomationJobs, runCommentReplyJobs } from "./flows-runner-support";

const APP_SECRET = "comment-rules-app-secret-0123456789";
const MEDIA = "18050310947722369";
let fake: FakeProviders;
let workspaceId: string;
let channel: TestChannel<InstagramCredentials>;
let flowId: string;
let hourlyFlowId: string;
let noCooldownFlowId: string;
const saved = { secret: process.env.META_APP_SECRET, graph: process.env.GRAPH_API_URL };

beforeAll(async () => {
  fake = await startFakeProviders();
  process.env.GRAPH_API_URL = fake.graphUrl;
  process.env.META_APP_SECRET = APP_SECRET;
  workspaceId = (await createAccount({ label: "comment-rules" })).workspace.id;
  channel = await createInstagramChannel({ workspaceId });
  registerInstagramWithFake(fake, channel);
  ({ flowId } = await publishTestFlow({
    workspaceId,
    name: "Info rule",
    flow: {
      blocks: [
        {
          id: "t",
          type: "instagram_comment",
          data: {
            posts: { mode: "any" },
            keywords: { match: "contains", keywords: ["info"] },
            publicReplies: ["Sent you a DM, @{{comment.username}}!"],
            privateReply: { kind: "text", text: "Here is the info you asked for" },
          },
        },
        { id: "tag", type: "tag", data: { tags: ["commented"] } },
      ],
      edges: [["t", "tag"]],
    },
  }));
  // Published before the cooldown setting existed: its stored trigger has no `cooldown` (24 hours).
  await getPgPool().query(
    `UPDATE "FlowVersion" SET definition = jsonb_set(definition, '{blocks,0,data}', (definition #> '{blocks,0,data}') - 'cooldown') WHERE "flowId" = $1`,
    [flowId],
  );
  ({ flowId: hourlyFlowId } = await publishTestFlow({ workspaceId, name: "Price rule, 1 hour cooldown", flow: commentRule({ keyword: "price", cooldown: { amount: 1, unit: "hours" } }) }));
  ({ flowId: noCooldownFlowId } = await publishTestFlow({ workspaceId, name: "Menu rule, no cooldown", flow: commentRule({ keyword: "menu", cooldown: { amount: 0, unit: "minutes" } }) }));
});

/** A comment rule answering `keyword` with a private reply, and the given DM cooldown. */
function commentRule({ keyword, cooldown }: { keyword: string; cooldown: { amount: number; unit: string } }) {
  return {
    blocks: [
      {
        id: "t",
        type: "instagram_comment" as const,
        data: { posts: { mode: "any" }, keywords: { match: "contains", keywords: [keyword] }, privateReply: { kind: "text", text: `The ${keyword} is in your DMs` }, cooldown },
      },
      { id: "end", type: "end" as const, data: {} },
    ],
    edges: [["t", "end"]] as [string, string][],
  };
}

afterAll(async () => {
  await discardAutomationJobs([workspaceId]);
  await discardWaitingJobs([workspaceId]);
  await fake?.close();
  for (const [key, value] of [["META_APP_SECRET", saved.secret], ["GRAPH_API_URL", saved.graph]] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

type CommentOptions = { from: string; text: string; commentId?: string; ageMs?: number };

/** A signed comment webhook through the whole pipeline, then the comment-reply jobs it queued. */
async function comment({ from, text, commentId = randomDigits(17), ageMs = 0 }: CommentOptions) {
  const body = instagramCommentPayload({ accountId: channel.externalId, fromId: from, username: `user_${from.slice(-4)}`, text, mediaId: MEDIA, commentId });
  body.entry[0].time = Math.floor((Date.now() - ageMs) / 1000);
  expect((await postInstagram(body)).status).toBe(200);
  await processStoredEvents({ provider: "instagram", body: JSON.stringify(body) });
  const automation = await runAutomationJobs(workspaceId);
  const replies = await runCommentReplyJobs(workspaceId);
  return { commentId, body, automation, replies };
}

function publicRepliesTo(commentId: string) {
  return fake.requests.filter((request) => request.method === "POST" && request.path.endsWith(`/${commentId}/replies`));
}

function privateRepliesTo(commentId: string) {
  return fake.requests.filter((request) => {
    const body = request.body as { recipient?: { comment_id?: string } } | null;
    return request.method === "POST" && request.path.endsWith("/me/messages") && body?.recipient?.comment_id === commentId;
  });
}

async function logsFor(commentId: string) {
  return prisma.automationLog.findMany({ where: { workspaceId, detail: { path: ["commentId"], equals: commentId } }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
}

describe("comment-to-DM rules", () => {
  it("posts the public reply and sends the private reply once per comment, charging one credit for the DM", async () => {
    const from = randomDigits(16);
    const credits = (await prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId } })).credits;
    const { commentId, body } = await comment({ from, text: "Can I get more info?" });

    expect(publicRepliesTo(commentId).map((request) => request.body)).toEqual([{ message: `Sent you a DM, @user_${from.slice(-4)}!` }]);
    expect(privateRepliesTo(commentId).map((request) => request.body)).toEqual([{ recipient: { comment_id: commentId }, message: { text: "Here is the info you asked for" } }]);
    const row = await prisma.commentAutomation.findFirstOrThrow({ where: { channelId: channel.id, commentExternalId: commentId } });
    expect(row).toMatchObject({ flowId, blockId: "t", commenterId: from, publicReplyStatus: "sent", privateReplyStatus: "sent" });
    expect(row.privateReplyAt).toBeInstanceOf(Date);

    // The commenter is a contact now, tagged by the flow, with the private reply in their thread.
    const contact = await prisma.contact.findUniqueOrThrow({ where: { channelId_externalId: { channelId: channel.id, externalId: from } }, include: { conversations: { include: { messages: { include: { compliance: true } } } } } });
    expect(contact.tags).toEqual(["commented"]);
    const [message] = contact.conversations[0].messages;
    expect(message).toMatchObject({ direction: "outbound", senderType: "flow", isAutoReply: true, status: "sent", content: { type: "text", text: "Here is the info you asked for" } });
    expect(message.compliance).toMatchObject({ rule: "comment_private_reply", senderType: "flow" });
    expect((await prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId } })).credits).toBe(credits - 1);
    expect(await prisma.creditLedger.count({ where: { workspaceId, refKey: message.idempotencyKey } })).toBe(1);
    expect((await logsFor(commentId)).map((entry) => [entry.kind, entry.result])).toEqual(expect.arrayContaining([["comment_public_reply", "ok"], ["comment_private_reply", "ok"]]));

    // Replayed webhook, re-run jobs, a duplicate reply job: nothing is posted or sent again.
    expect((await postInstagram(body)).status).toBe(200);
    await processStoredEvents({ provider: "instagram", body: JSON.stringify(body) });
    await runAutomationJobs(workspaceId);
    const automationId = row.id;
    await enqueue({ queue: queues.commentReply.name, data: { kind: "public", workspaceId, commentAutomationId: automationId, text: "again" } });
    await enqueue({ queue: queues.commentReply.name, data: { kind: "private", workspaceId, commentAutomationId: automationId, message: { type: "text", text: "again" }, idempotencyKey: `again-${commentId}` } });
    const again = await runCommentReplyJobs(workspaceId);
    expect(again.map((run) => run.result)).toEqual([
      { status: "skipped", reason: "already_handled" },
      { status: "skipped", reason: "already_handled" },
    ]);
    expect(publicRepliesTo(commentId)).toHaveLength(1);
    expect(privateRepliesTo(commentId)).toHaveLength(1);
  });

  it("answers a second comment of the same person within 24 hours publicly but sends no DM (default cooldown)", async () => {
    const from = randomDigits(16);
    const first = await comment({ from, text: "info please" });
    expect(privateRepliesTo(first.commentId)).toHaveLength(1);
    const second = await comment({ from, text: "more info?" });
    expect(publicRepliesTo(second.commentId)).toHaveLength(1);
    expect(privateRepliesTo(second.commentId)).toHaveLength(0);
    expect(await prisma.commentAutomation.findFirstOrThrow({ where: { commentExternalId: second.commentId } })).toMatchObject({ privateReplyStatus: "skipped", reason: "cooldown" });
    expect(await logsFor(second.commentId)).toEqual(expect.arrayContaining([expect.objectContaining({ kind: "comment_private_reply", result: "skipped", detail: expect.objectContaining({ code: "cooldown" }) })]));
  });

  it("keeps a rule's own cooldown: one DM within it, a second DM once it has passed", async () => {
    const from = randomDigits(16);
    const first = await comment({ from, text: "price please" });
    expect(privateRepliesTo(first.commentId).map((request) => request.body)).toEqual([{ recipient: { comment_id: first.commentId }, message: { text: "The price is in your DMs" } }]);
    const within = await comment({ from, text: "what price again?" });
    expect(privateRepliesTo(within.commentId)).toHaveLength(0);
    expect(await prisma.commentAutomation.findFirstOrThrow({ where: { commentExternalId: within.commentId } })).toMatchObject({ flowId: hourlyFlowId, privateReplyStatus: "skipped", reason: "cooldown" });
    expect(await logsFor(within.commentId)).toContainEqual(
      expect.objectContaining({ kind: "comment_private_reply", result: "skipped", reason: expect.stringContaining("in the last 1 hour"), detail: expect.objectContaining({ code: "cooldown" }) }),
    );
    // Another person is not affected by this one's cooldown.
    const other = await comment({ from: randomDigits(16), text: "price?" });
    expect(privateRepliesTo(other.commentId)).toHaveLength(1);

    // An hour later (the earlier comments were handled 61 minutes ago): a DM again.
    await prisma.commentAutomation.updateMany({ where: { flowId: hourlyFlowId, commenterId: from }, data: { createdAt: new Date(Date.now() - 61 * 60_000) } });
    const later = await comment({ from, text: "price for two?" });
    expect(privateRepliesTo(later.commentId).map((request) => request.body)).toEqual([{ recipient: { comment_id: later.commentId }, message: { text: "The price is in your DMs" } }]);
    expect(await prisma.commentAutomation.findFirstOrThrow({ where: { commentExternalId: later.commentId } })).toMatchObject({ privateReplyStatus: "sent" });
  });

  it("sends a DM for every comment when the cooldown is 0, still only once per comment", async () => {
    const from = randomDigits(16);
    const first = await comment({ from, text: "menu?" });
    const second = await comment({ from, text: "menu for today?" });
    expect(privateRepliesTo(first.commentId)).toHaveLength(1);
    expect(privateRepliesTo(second.commentId)).toHaveLength(1);
    expect(await prisma.commentAutomation.findMany({ where: { flowId: noCooldownFlowId, commenterId: from }, select: { privateReplyStatus: true } })).toEqual([
      { privateReplyStatus: "sent" },
      { privateReplyStatus: "sent" },
    ]);

    // The same comment delivered again (a replay) gets no second DM.
    expect((await postInstagram(second.body)).status).toBe(200);
    await processStoredEvents({ provider: "instagram", body: JSON.stringify(second.body) });
    await runAutomationJobs(workspaceId);
    await runCommentReplyJobs(workspaceId);
    expect(privateRepliesTo(second.commentId)).toHaveLength(1);
    expect(await prisma.commentAutomation.count({ where: { commentExternalId: second.commentId } })).toBe(1);
  });

  it("skips comments older than 24 hours (after an outage) with the reason logged", async () => {
    const from = randomDigits(16);
    const { commentId } = await comment({ from, text: "info!", ageMs: 25 * 60 * 60 * 1000 });
    expect(publicRepliesTo(commentId)).toHaveLength(0);
    expect(privateRepliesTo(commentId)).toHaveLength(0);
    expect(await prisma.commentAutomation.count({ where: { commentExternalId: commentId } })).toBe(0);
    expect(await logsFor(commentId)).toMatchObject([{ kind: "automation_skipped", result: "skipped", flowId, detail: { code: "comment_too_old" } }]);
  });

  it("ignores comments no rule matches and the account's own comments", async () => {
    const stranger = await comment({ from: randomDigits(16), text: "nice picture" });
    expect(stranger.automation.map((run) => run.result)).toEqual([{ status: "done", events: 1, queued: 0 }]);
    expect(publicRepliesTo(stranger.commentId)).toHaveLength(0);

    const own = await comment({ from: channel.externalId, text: "info: link in bio" });
    expect(own.automation).toEqual([]);
    expect(publicRepliesTo(own.commentId)).toHaveLength(0);
  });

  it("does not send a private reply more than 7 days after the comment", async () => {
    const from = randomDigits(16);
    const commentId = randomDigits(17);
    const body = instagramCommentPayload({ accountId: channel.externalId, fromId: from, username: "late_reader", text: "info", mediaId: MEDIA, commentId });
    expect((await postInstagram(body)).status).toBe(200);
    await processStoredEvents({ provider: "instagram", body: JSON.stringify(body) });
    await runAutomationJobs(workspaceId);
    // The reply jobs run late (a long outage of the workers).
    await prisma.commentAutomation.updateMany({ where: { commentExternalId: commentId }, data: { commentedAt: new Date(Date.now() - 8 * 24 * 60 * 60 * 1000) } });
    await runCommentReplyJobs(workspaceId);
    expect(privateRepliesTo(commentId)).toHaveLength(0);
    expect(await prisma.commentAutomation.findFirstOrThrow({ where: { commentExternalId: commentId } })).toMatchObject({ privateReplyStatus: "skipped", reason: "private_reply_expired" });
  });

  it("defers private replies over the hourly limit of the account to when the hour frees up", async () => {
    // The account already sent its hourly allowance (rows of another, deleted rule).
    const filler = `filler-${randomUUID()}`;
    await getPgPool().query(
      `INSERT INTO "CommentAutomation" (id, "workspaceId", "channelId", "commentExternalId", "flowId", "blockId", "commenterId", "commentedAt", "privateReplyStatus", "privateReplyAt")
       SELECT gen_random_uuid()::text, $1, $2, 'c' || n, $3, 't', 'someone', timezone('UTC', now()), 'sent', timezone('UTC', now()) - interval '30 minutes'
         FROM generate_series(1, $4::int) AS n`,
      [workspaceId, channel.id, filler, PRIVATE_REPLIES_PER_HOUR],
    );
    try {
      const { commentId, replies } = await comment({ from: randomDigits(16), text: "info" });
      expect(publicRepliesTo(commentId)).toHaveLength(1);
      expect(privateRepliesTo(commentId)).toHaveLength(0);
      expect(replies.map((run) => run.result)).toEqual(expect.arrayContaining([{ status: "deferred" }]));
      const row = await prisma.commentAutomation.findFirstOrThrow({ where: { commentExternalId: commentId } });
      expect(row.privateReplyStatus).toBe("pending");
      const deferred = (await listJobs({ queue: queues.commentReply.name, match: { commentAutomationId: row.id } })).filter((job) => job.state === "created");
      expect(deferred).toHaveLength(1);
      const { rows } = await getPgPool().query<{ start_after: Date }>(`SELECT start_after FROM ${currentJobSchema()}.job WHERE id = $1`, [deferred[0].id]);
      // The oldest reply of the hour was 30 minutes ago: the next slot is ~30 minutes from now.
      expect(rows[0].start_after.getTime()).toBeGreaterThan(Date.now() + 25 * 60_000);
    } finally {
      await getPgPool().query(`DELETE FROM "CommentAutomation" WHERE "flowId" = $1`, [filler]);
    }
  });
});
