// The webhook deliveries as `npm start` serves them: straight from node:http
// (lib/webhooks/handle-node-webhook.ts, scripts/server.ts), not through the Next.js route
// handlers. Same endpoint code, so the same answers: 200 stored/duplicate/ignored, 401, 404, 400,
// 413, 503, and durable before acknowledged. Requests it does not serve pass through untouched.
import { randomUUID } from "node:crypto";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { queues } from "@/lib/jobs/queues";
import { newTwilioSid, newWamid, signMetaBody, signTwilioRequest, twilioInboundParams, whatsAppTextPayload } from "@/lib/simulate/payloads";
import { handleNodeWebhook } from "@/lib/webhooks/handle-node-webhook";
import type { WhatsAppCredentials } from "@/lib/channels/credentials";
import { createTwilioChannel, createWhatsAppChannel, postWhatsApp, twilioWebhookUrl, type TestChannel } from "../helpers/channels";
import { createAccount, type TestAccount } from "../helpers/factories";
import { discardWaitingJobs, listJobs } from "../helpers/jobs";

let account: TestAccount;
let server: Server;
let baseUrl: string;
/** Requests the listener did not serve (the host would give them to Next.js). */
const passedOn: string[] = [];

beforeAll(async () => {
  account = await createAccount({ label: "node-listener" });
  server = createServer((req, res) => {
    if (handleNodeWebhook(req, res)) return;
    passedOn.push(`${req.method} ${req.url}`);
    res.writeHead(299).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await discardWaitingJobs([account.workspace.id]);
});

type Channel = TestChannel<WhatsAppCredentials>;

function delivery(channel: Channel, text = "Hello from the listener") {
  return JSON.stringify(whatsAppTextPayload({ phoneNumberId: channel.externalId, wabaId: channel.credentials.wabaId, from: "16505551234", name: "Sheena Nelson", text, id: newWamid() }));
}

function postRaw(path: string, body: string, headers: Record<string, string> = {}) {
  return fetch(`${baseUrl}${path}`, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
}

function postSigned(channel: Channel, body: string, { secret = channel.credentials.appSecret } = {}) {
  return postRaw(`/api/webhooks/whatsapp/${channel.id}`, body, { "x-hub-signature-256": signMetaBody(body, secret) });
}

async function storedFor(channelId: string) {
  const events = await prisma.webhookEvent.findMany({ where: { channelId } });
  const jobs = (await Promise.all(events.map((event) => listJobs({ queue: queues.processWebhook.name, match: { eventId: event.id } })))).flat();
  return { events, jobs };
}

describe("webhook deliveries served from node:http", () => {
  it("stores a signed WhatsApp delivery as one event and one job before answering 200, once per identical redelivery", async () => {
    const channel = await createWhatsAppChannel({ workspaceId: account.workspace.id });
    const body = delivery(channel);
    const res = await postSigned(channel, body);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await res.json()).toEqual({ status: "stored" });
    const { events, jobs } = await storedFor(channel.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ provider: "whatsapp_cloud", workspaceId: account.workspace.id, body, status: "pending" });
    expect(jobs).toMatchObject([{ name: "webhook-process", state: "created", data: { eventId: events[0].id } }]);

    const again = await postSigned(channel, body);
    expect(await again.json()).toEqual({ status: "duplicate" });
    expect((await storedFor(channel.id)).jobs).toHaveLength(1);
  });

  it("answers like the route handler, storing nothing, for bad signatures, unknown channels, non-JSON and unknown objects", async () => {
    const channel = await createWhatsAppChannel({ workspaceId: account.workspace.id });
    const other = await createWhatsAppChannel({ workspaceId: account.workspace.id });
    const body = delivery(channel);
    const cases: { label: string; send: (post: (c: Channel, b: string, s?: string) => Promise<Response>) => Promise<Response> }[] = [
      { label: "another channel's secret", send: (post) => post(channel, body, other.credentials.appSecret) },
      { label: "unknown channel", send: (post) => post({ ...channel, id: randomUUID() }, body) },
      { label: "not JSON", send: (post) => post(channel, '{"object":"whatsapp_business_account","entry":[') },
      { label: "unknown object", send: (post) => post(channel, JSON.stringify({ object: "page", entry: [] })) },
    ];
    for (const { label, send } of cases) {
      const viaListener = await send((c, b, s) => postSigned(c, b, { secret: s ?? c.credentials.appSecret }));
      const viaRoute = await send((c, b, s) => postWhatsApp(c, b, { secret: s }));
      expect(viaListener.status, label).toBe(viaRoute.status);
      expect(await viaListener.json(), label).toEqual(await viaRoute.json());
    }
    expect((await storedFor(channel.id)).events).toHaveLength(0);

    const unsigned = await postRaw(`/api/webhooks/whatsapp/${channel.id}`, body);
    expect(unsigned.status).toBe(401);
    expect(((await unsigned.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
  });

  it("answers 413 to a body over 4 MB, announced or streamed, and stores nothing", async () => {
    const channel = await createWhatsAppChannel({ workspaceId: account.workspace.id });
    const big = JSON.stringify({ object: "whatsapp_business_account", entry: [], padding: "x".repeat(4 * 1024 * 1024) });
    const announced = await postSigned(channel, big);
    expect(announced.status).toBe(413);
    expect(((await announced.json()) as { error: { code: string } }).error.code).toBe("payload_too_large");

    // Chunked, no Content-Length: the listener stops reading past the limit and closes.
    const streamed = await new Promise<{ status: number; connection?: string }>((resolve, reject) => {
      const req = httpRequest(`${baseUrl}/api/webhooks/whatsapp/${channel.id}`, { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": "sha256=00" } }, (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, connection: res.headers.connection });
      });
      req.on("error", reject);
      const chunk = "x".repeat(64 * 1024);
      let sent = 0;
      const pump = () => {
        while (sent < 6 * 1024 * 1024) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once("drain", pump);
        }
        req.end();
      };
      pump();
    });
    expect(streamed).toEqual({ status: 413, connection: "close" });
    expect((await storedFor(channel.id)).events).toHaveLength(0);
  });

  it("verifies Twilio's signature over the public URL (NEXTAUTH_URL), inbound and status", async () => {
    const channel = await createTwilioChannel({ workspaceId: account.workspace.id });
    const params = twilioInboundParams({ accountSid: channel.credentials.accountSid, sender: channel.externalId, from: "+15550001111", body: "Hi", sid: newTwilioSid() });
    const post = (kind: "inbound" | "status", signature: string) =>
      fetch(`${baseUrl}${new URL(twilioWebhookUrl(channel.id, kind)).pathname}`, {
        method: "POST",
        body: new URLSearchParams(params).toString(),
        headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature },
      });
    const good = await post("inbound", signTwilioRequest(twilioWebhookUrl(channel.id, "inbound"), params, channel.credentials.authToken));
    expect(good.status).toBe(200);
    expect(good.headers.get("content-type")).toBe("text/xml");
    expect(good.headers.get("x-switchboard-stored")).toBe("stored");
    // Signed for the inbound URL, posted to the status URL: refused.
    expect((await post("status", signTwilioRequest(twilioWebhookUrl(channel.id, "inbound"), params, channel.credentials.authToken))).status).toBe(401);
    expect((await post("status", signTwilioRequest(twilioWebhookUrl(channel.id, "status"), params, channel.credentials.authToken))).status).toBe(200);
    expect((await storedFor(channel.id)).events).toHaveLength(2);
  });

  it("answers 503 with Retry-After and stores nothing when the database is unreachable", async () => {
    const channel = await createWhatsAppChannel({ workspaceId: account.workspace.id });
    const body = delivery(channel, "During the outage");
    // Prime the channel lookup, then cut the pool the acknowledgement writes with.
    expect((await postSigned(channel, JSON.stringify({ object: "page", entry: [] }))).status).toBe(200);
    const globals = globalThis as unknown as { switchboardPgPool?: pg.Pool };
    const realPool = globals.switchboardPgPool;
    const deadPool = new pg.Pool({ connectionString: "postgresql://postgres:postgres@127.0.0.1:9/postgres?sslmode=disable", connectionTimeoutMillis: 2000 });
    deadPool.on("error", () => undefined);
    globals.switchboardPgPool = deadPool;
    try {
      const res = await postSigned(channel, body);
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("5");
    } finally {
      globals.switchboardPgPool = realPool;
      await deadPool.end();
    }
    expect((await storedFor(channel.id)).events).toHaveLength(0);
    expect((await postSigned(channel, body)).status).toBe(200);
  });

  it("stores nothing for a provider that hung up while its request waited for the database, so an overloaded server only works for live requests", async () => {
    const channel = await createWhatsAppChannel({ workspaceId: account.workspace.id });
    const body = delivery(channel, "Given up on");
    expect((await postSigned(channel, JSON.stringify({ object: "page", entry: [] }))).status).toBe(200);
    // Connections take 500 ms to come: the sender gives up after 100 ms.
    const globals = globalThis as unknown as { switchboardPgPool?: pg.Pool };
    const realPool = globals.switchboardPgPool!;
    const slowPool = Object.create(realPool) as pg.Pool;
    slowPool.connect = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      return realPool.connect();
    }) as pg.Pool["connect"];
    globals.switchboardPgPool = slowPool;
    try {
      const outcome = await fetch(`${baseUrl}/api/webhooks/whatsapp/${channel.id}`, {
        method: "POST",
        body,
        headers: { "content-type": "application/json", "x-hub-signature-256": signMetaBody(body, channel.credentials.appSecret) },
        signal: AbortSignal.timeout(100),
      }).then(
        (res) => `answered ${res.status}`,
        (error: Error) => error.name,
      );
      expect(outcome).toBe("TimeoutError");
      // Past the moment the connection came and the write would have run.
      await new Promise((resolve) => setTimeout(resolve, 800));
    } finally {
      globals.switchboardPgPool = realPool;
    }
    expect((await storedFor(channel.id)).events).toHaveLength(0);
    // The provider's retry is stored as usual.
    expect((await postSigned(channel, body)).status).toBe(200);
    expect((await storedFor(channel.id)).events).toHaveLength(1);
  });

  it("passes on everything that is not a delivery: GET checks, other paths, trailing slashes, unknown providers", async () => {
    passedOn.length = 0;
    const id = randomUUID();
    await fetch(`${baseUrl}/api/webhooks/whatsapp/${id}?hub.mode=subscribe`);
    await postRaw(`/api/webhooks/whatsapp/${id}/`, "{}");
    await postRaw(`/api/webhooks/whatsapp/${id}/extra`, "{}");
    await postRaw("/api/webhooks/telegram/1", "{}");
    await postRaw("/api/health", "{}");
    expect(passedOn).toEqual([
      `GET /api/webhooks/whatsapp/${id}?hub.mode=subscribe`,
      `POST /api/webhooks/whatsapp/${id}/`,
      `POST /api/webhooks/whatsapp/${id}/extra`,
      "POST /api/webhooks/telegram/1",
      "POST /api/health",
    ]);
  });
});
