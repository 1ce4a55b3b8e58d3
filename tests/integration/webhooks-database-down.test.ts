// "Nothing is acknowledged to a provider before it is durable": with the database unreachable a
// delivery gets 503 (Meta and Twilio retry) and nothing half-written; the provider's retry, once
// the database is back, is stored exactly once. Like health-database-down.test.ts, the dead
// database is a closed port: for the whole database, route modules are imported again with no
// cached Prisma client, pg pool or pg-boss; for the store transaction alone, the app's pg pool
// is swapped for one pointing at the closed port.
import { createServer } from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { prisma } from "@/lib/db/client";
import { getBoss } from "@/lib/jobs/boss";
import { queues } from "@/lib/jobs/queues";
import { whatsAppTextPayload } from "@/lib/simulate/payloads";
import type { WhatsAppCredentials } from "@/lib/channels/credentials";
import { createWhatsAppChannel, postWhatsApp, type TestChannel } from "../helpers/channels";
import { createAccount } from "../helpers/factories";
import { readJson, type RouteHandler } from "../helpers/http";
import { discardWaitingJobs, listJobs } from "../helpers/jobs";

type Closable = { $disconnect?: () => Promise<void>; end?: () => Promise<void> };
const globals = globalThis as unknown as { switchboardPrisma?: unknown; switchboardPgPool?: unknown; switchboardBoss?: unknown };

function closedPort() {
  return new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

let workspaceId: string;

afterAll(() => discardWaitingJobs([workspaceId]));

beforeAll(async () => {
  workspaceId = (await createAccount({ label: "wa-outage" })).workspace.id;
});

function delivery(channel: TestChannel<WhatsAppCredentials>, text: string) {
  return JSON.stringify(whatsAppTextPayload({ phoneNumberId: channel.externalId, wabaId: channel.credentials.wabaId, from: "16505551234", text }));
}

async function storedFor(channelId: string) {
  const events = await prisma.webhookEvent.findMany({ where: { channelId } });
  const jobs = (await Promise.all(events.map((event) => listJobs({ queue: queues.processWebhook.name, match: { eventId: event.id } })))).flat();
  return { events, jobs };
}

async function expect503(res: Response) {
  const body = await readJson(res);
  expect(res.status, JSON.stringify(body)).toBe(503);
  expect(res.headers.get("retry-after")).toBe("5");
  expect(body.error.code).toBe("unavailable");
  expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|postgres/);
}

async function expectRetryStoredOnce(channel: TestChannel<WhatsAppCredentials>, body: string) {
  const retry = await postWhatsApp(channel, body);
  expect(retry.status).toBe(200);
  expect(await readJson(retry)).toEqual({ status: "stored" });
  // Meta retries with backoff even after a 200 it did not see: that copy changes nothing.
  const again = await postWhatsApp(channel, body);
  expect(again.status).toBe(200);
  expect(await readJson(again)).toEqual({ status: "duplicate" });
  const { events, jobs } = await storedFor(channel.id);
  expect(events).toHaveLength(1);
  expect(events[0].body).toBe(body);
  expect(jobs).toHaveLength(1);
}

describe("WhatsApp deliveries while the database is unreachable", () => {
  it("answers 503 with Retry-After and stores nothing when the whole database is down, then stores the retry exactly once", async () => {
    const channel = await createWhatsAppChannel({ workspaceId });
    const body = delivery(channel, "Sent during the outage");
    const realUrl = process.env.DATABASE_URL;
    const saved = { prisma: globals.switchboardPrisma, pool: globals.switchboardPgPool, boss: globals.switchboardBoss };

    process.env.DATABASE_URL = `postgresql://postgres:postgres@127.0.0.1:${await closedPort()}/postgres?sslmode=disable`;
    delete globals.switchboardPrisma;
    delete globals.switchboardPgPool;
    delete globals.switchboardBoss;
    vi.resetModules();
    let deadRoute: { POST: RouteHandler };
    try {
      deadRoute = await import("@/app/api/webhooks/whatsapp/[channelId]/route");
      const started = Date.now();
      await expect503(await postWhatsApp(channel, body, { handler: deadRoute.POST }));
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await (globals.switchboardPrisma as Closable | undefined)?.$disconnect?.();
      await (globals.switchboardPgPool as Closable | undefined)?.end?.();
      process.env.DATABASE_URL = realUrl;
      globals.switchboardPrisma = saved.prisma;
      globals.switchboardPgPool = saved.pool;
      globals.switchboardBoss = saved.boss;
      vi.resetModules();
    }

    expect((await storedFor(channel.id)).events).toHaveLength(0);
    await expectRetryStoredOnce(channel, body);
  });

  it("answers 503 and stores nothing when the transaction that makes the delivery durable cannot connect, then stores the retry once", async () => {
    const channel = await createWhatsAppChannel({ workspaceId });
    const body = delivery(channel, "Sent while the pool was cut off");
    await getBoss();
    // Prime the channel lookup (Prisma), then cut only the pool the store transaction uses.
    expect((await postWhatsApp(channel, JSON.stringify({ object: "page", entry: [] }))).status).toBe(200);
    const realPool = globals.switchboardPgPool;
    const deadPool = new pg.Pool({
      connectionString: `postgresql://postgres:postgres@127.0.0.1:${await closedPort()}/postgres?sslmode=disable`,
      connectionTimeoutMillis: 2000,
    });
    deadPool.on("error", () => undefined);
    globals.switchboardPgPool = deadPool;
    try {
      await expect503(await postWhatsApp(channel, body));
    } finally {
      if (realPool) globals.switchboardPgPool = realPool;
      else delete globals.switchboardPgPool;
      await deadPool.end();
    }
    expect((await storedFor(channel.id)).events).toHaveLength(0);
    await expectRetryStoredOnce(channel, body);
  });
});
