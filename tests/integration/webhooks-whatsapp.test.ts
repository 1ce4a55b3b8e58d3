// The WhatsApp Cloud API endpoint: subscription check, signature on the raw bytes, and "durable
// before acknowledged" — an accepted delivery is exactly one WebhookEvent row plus one pg-boss
// job; anything rejected leaves nothing behind.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET } from "@/app/api/webhooks/whatsapp/[channelId]/route";
import { prisma } from "@/lib/db/client";
import { getPgPool } from "@/lib/db/pg";
import { queues } from "@/lib/jobs/queues";
import { newWamid, signMetaBody, whatsAppTextPayload } from "@/lib/simulate/payloads";
import { createWhatsAppChannel, getSandboxChannel, postWhatsApp, randomDigits, type TestChannel } from "../helpers/channels";
import { createAccount, type TestAccount } from "../helpers/factories";
import { call, readJson } from "../helpers/http";
import { discardWaitingJobs, listJobs } from "../helpers/jobs";
import type { WhatsAppCredentials } from "@/lib/channels/credentials";

let account: TestAccount;
let channel: TestChannel<WhatsAppCredentials>;

afterAll(() => discardWaitingJobs([account.workspace.id]));

beforeAll(async () => {
  account = await createAccount({ label: "wa-endpoint" });
  channel = await createWhatsAppChannel({ workspaceId: account.workspace.id });
});

function textDelivery(text = "Does it come in another color?", from = "16505551234") {
  return JSON.stringify(whatsAppTextPayload({ phoneNumberId: channel.externalId, wabaId: channel.credentials.wabaId, from, name: "Sheena Nelson", text }));
}

/** What is stored for the channel: its events, and every webhook-process job pointing at them. */
async function storedFor(channelId: string) {
  const events = await prisma.webhookEvent.findMany({ where: { channelId }, orderBy: { receivedAt: "asc" } });
  const jobs = (await Promise.all(events.map((event) => listJobs({ queue: queues.processWebhook.name, match: { eventId: event.id } })))).flat();
  return { events, jobs };
}

/** webhook-process jobs created since `since` whose event row does not exist: must never happen. */
async function orphanJobsSince(since: Date) {
  const { rows } = await getPgPool().query(
    `SELECT count(*)::int AS n FROM pgboss.job j
      WHERE j.name = $1 AND j.created_on >= $2
        AND NOT EXISTS (SELECT 1 FROM "WebhookEvent" e WHERE e.id = j.data->>'eventId')`,
    [queues.processWebhook.name, since],
  );
  return rows[0].n as number;
}

async function expectNothingStored(channelId: string, since: Date) {
  const { events, jobs } = await storedFor(channelId);
  expect(events).toHaveLength(0);
  expect(jobs).toHaveLength(0);
  expect(await orphanJobsSince(since)).toBe(0);
}

async function newChannel() {
  return createWhatsAppChannel({ workspaceId: account.workspace.id });
}

describe("GET /api/webhooks/whatsapp/[channelId] (Meta's subscription check)", () => {
  const verifyUrl = (channelId: string, params: Record<string, string>) => `/api/webhooks/whatsapp/${channelId}?${new URLSearchParams(params)}`;

  it("answers hub.challenge as plain text for the channel's verify token", async () => {
    const res = await call(GET, verifyUrl(channel.id, { "hub.mode": "subscribe", "hub.verify_token": channel.credentials.verifyToken, "hub.challenge": "1158201444" }), {
      params: { channelId: channel.id },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    expect(await res.text()).toBe("1158201444");
  });

  it("answers 403 without the challenge for a wrong token, a missing token or another mode", async () => {
    const cases: Record<string, string>[] = [
      { "hub.mode": "subscribe", "hub.verify_token": "not-the-token-at-all", "hub.challenge": "1158201444" },
      { "hub.mode": "subscribe", "hub.challenge": "1158201444" },
      { "hub.mode": "unsubscribe", "hub.verify_token": channel.credentials.verifyToken, "hub.challenge": "1158201444" },
      { "hub.mode": "subscribe", "hub.verify_token": `${channel.credentials.verifyToken} `, "hub.challenge": "1158201444" },
    ];
    for (const params of cases) {
      const res = await call(GET, verifyUrl(channel.id, params), { params: { channelId: channel.id } });
      const text = await res.text();
      expect(res.status, JSON.stringify(params)).toBe(403);
      expect(text).not.toContain("1158201444");
    }
  });

  it("does not accept one channel's verify token on another channel", async () => {
    const other = await newChannel();
    const res = await call(GET, verifyUrl(other.id, { "hub.mode": "subscribe", "hub.verify_token": channel.credentials.verifyToken, "hub.challenge": "42" }), {
      params: { channelId: other.id },
    });
    expect(res.status).toBe(403);
  });

  it("answers 404 for an unknown channel and for a channel of another type", async () => {
    const sandbox = await getSandboxChannel(account.workspace.id);
    for (const channelId of [randomUUID(), sandbox.id]) {
      const res = await call(GET, verifyUrl(channelId, { "hub.mode": "subscribe", "hub.verify_token": channel.credentials.verifyToken, "hub.challenge": "42" }), {
        params: { channelId },
      });
      expect(res.status).toBe(404);
      expect((await readJson(res)).error.code).toBe("not_found");
    }
  });
});

describe("POST /api/webhooks/whatsapp/[channelId]", () => {
  it("stores a correctly signed delivery as exactly one WebhookEvent and one webhook-process job, then answers 200", async () => {
    const target = await newChannel();
    const body = JSON.stringify(whatsAppTextPayload({ phoneNumberId: target.externalId, wabaId: target.credentials.wabaId, from: "16505551234", text: "Hello" }));
    const res = await postWhatsApp(target, body);
    expect(res.status).toBe(200);
    expect(await readJson(res)).toEqual({ status: "stored" });

    const { events, jobs } = await storedFor(target.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      provider: "whatsapp_cloud",
      workspaceId: account.workspace.id,
      channelId: target.id,
      status: "pending",
      attempts: 0,
      body,
      contentType: "application/json",
    });
    // The job's queue and payload are what the worker registry reads.
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ name: "webhook-process", state: "created", data: { eventId: events[0].id } });
  });

  it("answers 401 and stores nothing when the body was changed after signing", async () => {
    const target = await newChannel();
    const since = new Date();
    const original = textDelivery("I want 1 shirt");
    const tampered = original.replace("I want 1 shirt", "I want 9 shirts");
    const res = await postWhatsApp(target, tampered, { signature: signMetaBody(original, target.credentials.appSecret) });
    expect(res.status).toBe(401);
    expect((await readJson(res)).error.code).toBe("unauthorized");
    await expectNothingStored(target.id, since);
  });

  it("answers 401 and stores nothing when signed with another secret (another channel's app secret)", async () => {
    const target = await newChannel();
    const since = new Date();
    const res = await postWhatsApp(target, textDelivery(), { secret: channel.credentials.appSecret });
    expect(res.status).toBe(401);
    await expectNothingStored(target.id, since);
  });

  it("answers 401 and stores nothing without a signature header or with a malformed one", async () => {
    const target = await newChannel();
    const since = new Date();
    const body = textDelivery();
    const hex = signMetaBody(body, target.credentials.appSecret).slice("sha256=".length);
    for (const signature of [null, "", hex, `sha1=${hex}`, "sha256=", `sha256=${hex.slice(0, 63)}`, `sha256=${hex}00`]) {
      const res = await postWhatsApp(target, body, { signature });
      expect(res.status, String(signature)).toBe(401);
    }
    await expectNothingStored(target.id, since);
  });

  it("answers 404 and stores nothing for an unknown channel, even with a valid signature", async () => {
    const since = new Date();
    const unknownId = randomUUID();
    const res = await postWhatsApp({ id: unknownId, credentials: channel.credentials }, textDelivery());
    expect(res.status).toBe(404);
    await expectNothingStored(unknownId, since);
    expect(await orphanJobsSince(since)).toBe(0);
  });

  it("answers 400 and stores nothing for a correctly signed body that is not JSON", async () => {
    const target = await newChannel();
    const since = new Date();
    for (const body of ['{"object":"whatsapp_business_account","entry":[', "", "not json at all"]) {
      const res = await postWhatsApp(target, body);
      expect(res.status, body).toBe(400);
      expect((await readJson(res)).error.code).toBe("bad_request");
    }
    await expectNothingStored(target.id, since);
  });

  it("answers 200 but stores nothing for a signed delivery of an unknown object", async () => {
    const target = await newChannel();
    const since = new Date();
    for (const body of [{ object: "page", entry: [] }, { object: "instagram", entry: [] }, { entry: [] }, [1, 2], "\"whatsapp_business_account\""]) {
      const res = await postWhatsApp(target, typeof body === "string" ? body : JSON.stringify(body));
      // Anything but 2xx makes Meta retry and eventually disable the subscription.
      expect(res.status, JSON.stringify(body)).toBe(200);
      expect(await readJson(res)).toEqual({ status: "ignored" });
    }
    await expectNothingStored(target.id, since);
  });

  it("answers 413 for a body over 4 MB, whether or not Content-Length announces it, and stores nothing", async () => {
    const target = await newChannel();
    const since = new Date();
    const big = JSON.stringify({ object: "whatsapp_business_account", entry: [], padding: "x".repeat(4 * 1024 * 1024) });
    const signature = signMetaBody(big, target.credentials.appSecret);

    const declared = await postWhatsApp(target, big, { signature, headers: { "content-length": String(Buffer.byteLength(big)) } });
    expect(declared.status).toBe(413);
    expect((await readJson(declared)).error.code).toBe("payload_too_large");

    // Streamed without a length (64 MB generated lazily): the reader stops soon after the
    // limit instead of buffering whatever the sender keeps pushing.
    const total = 64 * 1024 * 1024;
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= total) return controller.close();
        controller.enqueue(chunk);
        pulled += chunk.length;
      },
    });
    const streamed = await call((await import("@/app/api/webhooks/whatsapp/[channelId]/route")).POST, `/api/webhooks/whatsapp/${target.id}`, {
      method: "POST",
      body: stream,
      headers: { "content-type": "application/json", "x-hub-signature-256": signature },
      params: { channelId: target.id },
    });
    expect(streamed.status).toBe(413);
    expect(pulled).toBeLessThan(8 * 1024 * 1024);
    await expectNothingStored(target.id, since);
  });

  it("accepts a 3 MB batch (Meta's documented maximum) and stores it byte for byte", async () => {
    const target = await newChannel();
    const text = "y".repeat(3000);
    const messages = Array.from({ length: 1000 }, (_, i) => ({ from: "16505551234", id: newWamid(), timestamp: String(1_749_416_383 + i), type: "text", text: { body: text } }));
    const payload = {
      object: "whatsapp_business_account",
      entry: [
        {
          id: target.credentials.wabaId,
          changes: [
            {
              field: "messages",
              value: {
                messaging_product: "whatsapp",
                metadata: { display_phone_number: "15550783881", phone_number_id: target.externalId },
                contacts: [{ profile: { name: "Sheena Nelson" }, wa_id: "16505551234" }],
                messages,
              },
            },
          ],
        },
      ],
    };
    const body = JSON.stringify(payload);
    expect(Buffer.byteLength(body)).toBeGreaterThan(3 * 1000 * 1000);
    expect(Buffer.byteLength(body)).toBeLessThan(4 * 1024 * 1024);
    const res = await postWhatsApp(target, body);
    expect(res.status).toBe(200);
    const { events, jobs } = await storedFor(target.id);
    expect(events).toHaveLength(1);
    expect(events[0].body).toBe(body);
    expect(jobs).toHaveLength(1);
  });

  it("keeps each channel's deliveries apart: the same bytes on two channels are two events", async () => {
    const first = await newChannel();
    const second = await newChannel();
    const body = JSON.stringify(whatsAppTextPayload({ phoneNumberId: randomDigits(15), wabaId: "1", from: "16505551234", text: "same bytes", id: newWamid() }));
    expect((await postWhatsApp(first, body)).status).toBe(200);
    expect((await postWhatsApp(second, body)).status).toBe(200);
    expect((await storedFor(first.id)).events).toHaveLength(1);
    expect((await storedFor(second.id)).events).toHaveLength(1);
  });
});
