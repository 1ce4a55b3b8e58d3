// Workspace automation settings (auto-reply, welcome and away messages, business hours, default
// fallback flow), HTTP and go-to-flow blocks, and the activity / credits / settings API, through
// the real pipeline on WhatsApp Cloud against the fake Graph API.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as activityRoute from "@/app/api/automation/activity/route";
import * as creditsRoute from "@/app/api/automation/credits/route";
import * as settingsRoute from "@/app/api/automation/settings/route";
import type { WhatsAppCredentials } from "@/lib/channels/credentials";
import { prisma } from "@/lib/db/client";
import { performHttpRequest } from "@/lib/flows/runner/perform-http-request";
import { newWamid, whatsAppTextPayload } from "@/lib/simulate/payloads";
import type { FakeProviders } from "@/tests/fakes/fake-providers";
import { postWhatsApp, randomDigits, type TestChannel } from "../helpers/channels";
import { addMember, type TestAccount, type TestUser } from "../helpers/factories";
import { call, readJson } from "../helpers/http";
import { discardWaitingJobs } from "../helpers/jobs";
import {
  discardAutomationJobs,
  drainChannel,
  publishTestFlow,
  replyFlow,
  runWakeJobs,
  sendPendingMessages,
  setUpWhatsAppWorkspace,
  whatsAppTextsTo,
  type WhatsAppWorkspace,
} from "./flows-runner-support";

let world: WhatsAppWorkspace;
let fake: FakeProviders;
let owner: TestAccount;
let agent: TestUser;
let workspaceId: string;
let channel: TestChannel<WhatsAppCredentials>;
let fallbackFlowId: string;
let weather: Server;
let weatherUrl: string;
let weatherFails = false;
const weatherRequests: string[] = [];

beforeAll(async () => {
  weather = createServer((req, res) => {
    weatherRequests.push(req.url ?? "");
    if (weatherFails) return void res.writeHead(503).end("down");
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ data: { temp: 21, city: new URL(req.url ?? "/", "http://x").searchParams.get("city") } }));
  });
  await new Promise<void>((resolve) => weather.listen(0, "127.0.0.1", resolve));
  weatherUrl = `http://127.0.0.1:${(weather.address() as AddressInfo).port}`;

  world = await setUpWhatsAppWorkspace({ label: "automation-settings" });
  ({ fake, account: owner, workspaceId, channel } = world);
  agent = (await addMember({ workspace: owner.workspace, invitedBy: owner.user, role: "agent" })).user;

  const catalog = await publishTestFlow({ workspaceId, name: "Catalog", flow: replyFlow({ keyword: "catalog", text: "Here is the catalog" }) });
  await publishTestFlow({
    workspaceId,
    name: "Menu",
    flow: {
      blocks: [
        { id: "t", type: "keyword", data: { match: "exact", keywords: ["menu"] } },
        { id: "go", type: "go_to_flow", data: { flowId: catalog.flowId } },
      ],
      edges: [["t", "go"]],
    },
  });
  await publishTestFlow({
    workspaceId,
    name: "Weather",
    flow: {
      blocks: [
        { id: "t", type: "keyword", data: { match: "exact", keywords: ["weather"] } },
        { id: "h", type: "http_request", data: { method: "GET", url: `${weatherUrl}/weather?city={{attributes.city|paris}}`, saveResponse: [{ path: "data.temp", attribute: "temp" }] } },
        { id: "ok", type: "send_message", data: { kind: "text", text: "It is {{attributes.temp}} degrees" } },
        { id: "ko", type: "send_message", data: { kind: "text", text: "Weather is unavailable" } },
      ],
      edges: [["t", "h"], ["h", "ok", "success"], ["h", "ko", "error"]],
    },
  });
  ({ flowId: fallbackFlowId } = await publishTestFlow({ workspaceId, name: "Default answer", flow: replyFlow({ keyword: "default-answer-never-typed", text: "Sorry, I didn't get that" }) }));
});

afterAll(async () => {
  await discardAutomationJobs([workspaceId]);
  await discardWaitingJobs([workspaceId]);
  await world?.tearDown();
  await new Promise((resolve) => weather?.close(resolve));
});

const headers = () => ({ "x-workspace": owner.workspace.slug });

function patchSettings(json: unknown, as: TestUser = owner.user) {
  return call(settingsRoute.PATCH, "/api/automation/settings", { method: "PATCH", as, json, headers: headers() });
}

async function say(customer: string, text: string) {
  const body = whatsAppTextPayload({ phoneNumberId: channel.externalId, wabaId: channel.credentials.wabaId, from: customer, name: "Lin Customer", text, id: newWamid() });
  expect((await postWhatsApp(channel, body)).status).toBe(200);
  await drainChannel({ workspaceId, channelId: channel.id });
}

function sentTo(customer: string): string[] {
  return whatsAppTextsTo({ fake, phoneNumberId: channel.externalId, customer });
}

describe("GET / PATCH /api/automation/settings", () => {
  it("reads the defaults, lets owners change keys one at a time and refuses bad input", async () => {
    const read = await call(settingsRoute.GET, "/api/automation/settings", { as: agent, headers: headers() });
    expect(await readJson(read)).toEqual({ settings: { autoReply: true, welcomeMessage: null, businessHours: null, awayMessage: null, fallbackFlowId: null } });

    expect((await patchSettings({ autoReply: false }, agent)).status).toBe(403);
    expect((await patchSettings({})).status).toBe(422);
    expect((await patchSettings({ welcomeMessage: "   " })).status).toBe(422);
    expect((await patchSettings({ somethingElse: 1 })).status).toBe(422);
    expect((await patchSettings({ businessHours: { timezone: "Mars/Olympus", intervals: [] } })).status).toBe(422);
    const unknownFlow = await patchSettings({ fallbackFlowId: "not-a-flow-of-this-workspace" });
    expect(unknownFlow.status).toBe(422);
    expect((await readJson(unknownFlow)).error.field).toBe("fallbackFlowId");

    expect((await patchSettings({ welcomeMessage: "Welcome to Lin's shop!" })).status).toBe(200);
    const res = await patchSettings({ fallbackFlowId });
    expect(await readJson(res)).toEqual({ settings: { autoReply: true, welcomeMessage: "Welcome to Lin's shop!", businessHours: null, awayMessage: null, fallbackFlowId } });
    // Stored under its own key: the inbox settings are untouched.
    expect((await prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId } })).settings).toEqual({ automation: { welcomeMessage: "Welcome to Lin's shop!", fallbackFlowId } });
  });

  it("refuses overlapping business hours and unknown variables next to their field, and a fallback flow that is not active", async () => {
    const overlapping = await patchSettings({
      businessHours: {
        timezone: "Europe/Paris",
        intervals: [
          { day: "mon", start: "09:00", end: "13:00" },
          { day: "mon", start: "12:00", end: "17:00" },
        ],
      },
    });
    expect(overlapping.status).toBe(422);
    expect((await readJson(overlapping)).error).toMatchObject({ field: "businessHours.intervals.1.start", message: expect.stringContaining("Overlaps Mon 09:00–13:00") });
    // A Sunday range past midnight runs into Monday morning.
    const wrapping = await patchSettings({
      businessHours: {
        timezone: "Europe/Paris",
        intervals: [
          { day: "mon", start: "01:00", end: "09:00" },
          { day: "sun", start: "22:00", end: "02:00" },
        ],
      },
    });
    expect((await readJson(wrapping)).error).toMatchObject({ field: "businessHours.intervals.1.start" });

    const unknownVariable = await patchSettings({ welcomeMessage: "Hi {{trigger.text}}" });
    expect(unknownVariable.status).toBe(422);
    expect((await readJson(unknownVariable)).error).toMatchObject({ field: "welcomeMessage", message: expect.stringContaining("Unknown variable {{trigger.text}}") });

    const draft = await prisma.flow.create({ data: { workspaceId, name: "Unpublished", draft: {} }, select: { id: true } });
    try {
      const refused = await patchSettings({ fallbackFlowId: draft.id });
      expect(refused.status).toBe(422);
      expect((await readJson(refused)).error).toMatchObject({ field: "fallbackFlowId", message: expect.stringContaining("published and active") });
    } finally {
      await prisma.flow.delete({ where: { id: draft.id } });
    }
    // Nothing of the refused changes was stored.
    expect(await readJson(await call(settingsRoute.GET, "/api/automation/settings", { as: owner.user, headers: headers() }))).toMatchObject({
      settings: { welcomeMessage: "Welcome to Lin's shop!", businessHours: null, fallbackFlowId },
    });

    // Touching ranges and a range past midnight are fine.
    const hours = {
      timezone: "Europe/Paris",
      intervals: [
        { day: "mon", start: "09:00", end: "12:00" },
        { day: "mon", start: "12:00", end: "17:00" },
        { day: "fri", start: "22:00", end: "02:00" },
      ],
    };
    expect(await readJson(await patchSettings({ businessHours: hours }))).toMatchObject({ settings: { businessHours: hours } });
    expect((await patchSettings({ businessHours: null })).status).toBe(200);
  });
});

describe("welcome, away and fallback", () => {
  it("welcomes a new conversation once, then answers what nothing matched with the fallback flow", async () => {
    const customer = randomDigits(11);
    await say(customer, "hello");
    expect(sentTo(customer)).toEqual(["Welcome to Lin's shop!"]);
    await say(customer, "hello again");
    expect(sentTo(customer)).toEqual(["Welcome to Lin's shop!", "Sorry, I didn't get that"]);
    await say(customer, "catalog");
    expect(sentTo(customer).at(-1)).toBe("Here is the catalog");
  });

  it("sends the away message outside business hours, at most once per conversation in 12 hours", async () => {
    expect((await patchSettings({ welcomeMessage: null, businessHours: { timezone: "Europe/Paris", intervals: [] }, awayMessage: "We're closed, back tomorrow" })).status).toBe(200);
    const customer = randomDigits(11);
    await say(customer, "catalog");
    expect(sentTo(customer)).toEqual(["We're closed, back tomorrow", "Here is the catalog"]);
    await say(customer, "catalog");
    expect(sentTo(customer)).toEqual(["We're closed, back tomorrow", "Here is the catalog", "Here is the catalog"]);
    expect((await patchSettings({ businessHours: null, awayMessage: null })).status).toBe(200);
  });

  it("stays silent with auto-reply off and logs why", async () => {
    expect((await patchSettings({ autoReply: false })).status).toBe(200);
    try {
      const customer = randomDigits(11);
      await say(customer, "catalog");
      expect(sentTo(customer)).toEqual([]);
      const contact = await prisma.contact.findUniqueOrThrow({ where: { channelId_externalId: { channelId: channel.id, externalId: customer } } });
      expect(await prisma.automationLog.findFirst({ where: { contactId: contact.id } })).toMatchObject({ kind: "automation_skipped", result: "skipped", detail: { code: "auto_reply_off" } });
    } finally {
      await patchSettings({ autoReply: true });
    }
  });
});

describe("HTTP and go-to-flow blocks", () => {
  it("performs the HTTP block in its job, saves the response field and takes the success path", async () => {
    const customer = randomDigits(11);
    await say(customer, "weather");
    expect(sentTo(customer)).toEqual([]);
    await runWakeJobs({ workspaceId });
    await sendPendingMessages(workspaceId);
    expect(weatherRequests.at(-1)).toBe("/weather?city=paris");
    expect(sentTo(customer)).toEqual(["It is 21 degrees"]);
    const contact = await prisma.contact.findUniqueOrThrow({ where: { channelId_externalId: { channelId: channel.id, externalId: customer } } });
    expect(contact.attributes).toMatchObject({ temp: 21 });
    expect(await prisma.automationLog.findFirst({ where: { contactId: contact.id, kind: "http_request" } })).toMatchObject({ result: "ok", detail: { status: 200, method: "GET" } });
  });

  it("takes the error path when the server fails", async () => {
    weatherFails = true;
    try {
      const customer = randomDigits(11);
      await say(customer, "weather");
      await runWakeJobs({ workspaceId });
      await sendPendingMessages(workspaceId);
      expect(sentTo(customer)).toEqual(["Weather is unavailable"]);
    } finally {
      weatherFails = false;
    }
  });

  it("goes on to another flow", async () => {
    const customer = randomDigits(11);
    await say(customer, "menu");
    expect(sentTo(customer)).toEqual(["Here is the catalog"]);
  });

  it("refuses private addresses and oversized answers when private addresses are not allowed (production)", async () => {
    const request = { method: "GET" as const, url: `${weatherUrl}/weather`, headers: {}, body: null, timeoutMs: 2000 };
    expect(await performHttpRequest({ request, allowPrivateAddresses: false })).toMatchObject({ ok: false, status: null, error: "The URL points to a private or local network address" });
    const byName = await performHttpRequest({ request: { ...request, url: weatherUrl.replace("127.0.0.1", "localhost") }, allowPrivateAddresses: false });
    expect(byName).toMatchObject({ ok: false, status: null });
    expect(byName.error).toMatch(/private or local network address|does not resolve/);

    const big = createServer((_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("x".repeat(300 * 1024)));
    await new Promise<void>((resolve) => big.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(big.address() as AddressInfo).port}/`;
      expect(await performHttpRequest({ request: { ...request, url }, allowPrivateAddresses: true })).toMatchObject({ ok: false, error: "The response is larger than 256 KB" });
    } finally {
      await new Promise((resolve) => big.close(resolve));
    }
  });
});

describe("GET /api/automation/activity and /api/automation/credits", () => {
  it("pages the activity log newest first with an opaque cursor", async () => {
    const total = await prisma.automationLog.count({ where: { workspaceId } });
    expect(total).toBeGreaterThan(4);
    const first = await readJson(await call(activityRoute.GET, "/api/automation/activity?limit=3", { as: agent, headers: headers() }));
    expect(first.entries).toHaveLength(3);
    expect(first.nextCursor).toEqual(expect.any(String));
    const times = first.entries.map((entry: { createdAt: string }) => Date.parse(entry.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(first.entries[0]).toMatchObject({ kind: expect.any(String), result: expect.any(String) });

    const ids = new Set<string>(first.entries.map((entry: { id: string }) => entry.id));
    let cursor: string | null = first.nextCursor;
    while (cursor) {
      const page = await readJson(await call(activityRoute.GET, `/api/automation/activity?limit=50&cursor=${cursor}`, { as: agent, headers: headers() }));
      for (const entry of page.entries) ids.add(entry.id);
      cursor = page.nextCursor;
    }
    expect(ids.size).toBe(total);
    const flowEntry = await readJson(await call(activityRoute.GET, "/api/automation/activity?limit=100", { as: agent, headers: headers() }));
    expect(flowEntry.entries.find((entry: { flowName: string | null }) => entry.flowName === "Catalog")).toBeDefined();

    const bad = await call(activityRoute.GET, "/api/automation/activity?cursor=not-a-cursor", { as: agent, headers: headers() });
    expect(bad.status).toBe(400);
  });

  it("shows the credit balance with the latest ledger rows", async () => {
    const body = await readJson(await call(creditsRoute.GET, "/api/automation/credits?limit=5", { as: agent, headers: headers() }));
    const { credits } = await prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId } });
    expect(body.balance).toBe(credits);
    expect(body.automationsPaused).toBe(false);
    expect(body.ledger).toHaveLength(5);
    expect(body.ledger[0]).toMatchObject({ delta: -1, balanceAfter: credits, reason: "automated_dm" });
  });
});

describe("welcome message variables", () => {
  it("fills the contact's first name, or the fallback", async () => {
    expect((await patchSettings({ welcomeMessage: "Hi {{contact.first_name|there}}, {{attributes.city|welcome}}!", fallbackFlowId: null })).status).toBe(200);
    try {
      const customer = randomDigits(11);
      await say(customer, "hello");
      expect(sentTo(customer)).toEqual(["Hi Lin, welcome!"]);
    } finally {
      await patchSettings({ welcomeMessage: null, fallbackFlowId });
    }
  });
});

describe("activity filters and channel", () => {
  it("lists only one result or one flow, each entry with its channel", async () => {
    const catalog = await prisma.flow.findFirstOrThrow({ where: { workspaceId, name: "Catalog" }, select: { id: true } });
    const byFlow = await readJson(await call(activityRoute.GET, `/api/automation/activity?limit=100&flowId=${catalog.id}`, { as: agent, headers: headers() }));
    expect(byFlow.entries.length).toBeGreaterThan(0);
    expect(byFlow.entries.every((entry: { flowId: string }) => entry.flowId === catalog.id)).toBe(true);
    expect(byFlow.entries[0]).toMatchObject({ flowName: "Catalog", channel: { id: channel.id, type: "whatsapp_cloud" }, conversationId: expect.any(String) });

    const skipped = await readJson(await call(activityRoute.GET, "/api/automation/activity?limit=100&result=skipped", { as: agent, headers: headers() }));
    expect(skipped.entries.length).toBeGreaterThan(0);
    expect(skipped.entries.every((entry: { result: string }) => entry.result === "skipped")).toBe(true);
    expect(skipped.entries.map((entry: { detail: { code?: string } | null }) => entry.detail?.code)).toContain("auto_reply_off");

    const bad = await call(activityRoute.GET, "/api/automation/activity?result=maybe", { as: agent, headers: headers() });
    expect(bad.status).toBe(422);
    expect((await readJson(bad)).error.field).toBe("result");
  });
});

describe("credits: ledger pages, low balance, top-up, exhaustion", () => {
  function topUp(json: unknown, as: TestUser = owner.user) {
    return call(creditsRoute.POST, "/api/automation/credits", { method: "POST", as, json, headers: headers() });
  }

  it("pages the ledger with a cursor", async () => {
    const total = await prisma.creditLedger.count({ where: { workspaceId } });
    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : "";
      const page = await readJson(await call(creditsRoute.GET, `/api/automation/credits?limit=2${query}`, { as: agent, headers: headers() }));
      expect(page.ledger.length).toBeLessThanOrEqual(2);
      for (const row of page.ledger) seen.add(row.id);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.size).toBe(total);
    expect((await call(creditsRoute.GET, "/api/automation/credits?cursor=nope", { as: agent, headers: headers() })).status).toBe(400);
  });

  it("lets only owners add credits, once per request id, with a ledger row", async () => {
    const admin = (await addMember({ workspace: owner.workspace, invitedBy: owner.user, role: "admin" })).user;
    const before = (await prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId } })).credits;
    expect((await topUp({ amount: 50, reason: "Not mine to give" }, admin)).status).toBe(403);
    expect((await topUp({ amount: 50, reason: "Not mine to give" }, agent)).status).toBe(403);
    const zero = await topUp({ amount: 0, reason: "Nothing" });
    expect(zero.status).toBe(422);
    expect((await readJson(zero)).error.field).toBe("amount");
    expect((await readJson(await topUp({ amount: 5, reason: "  " }))).error.field).toBe("reason");
    expect((await prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId } })).credits).toBe(before);

    const json = { amount: 250, reason: "Monthly allowance", requestId: "topup-request-0001" };
    const added = await topUp(json);
    expect(added.status).toBe(201);
    expect(await readJson(added)).toMatchObject({ balance: before + 250, entry: { delta: 250, balanceAfter: before + 250, reason: "Monthly allowance", refKey: "top_up:topup-request-0001" } });
    // The same request again (a double click, a retry) adds nothing.
    expect(await readJson(await topUp(json))).toMatchObject({ balance: before + 250, entry: { delta: 250 } });
    expect((await prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId } })).credits).toBe(before + 250);
    expect(await prisma.creditLedger.count({ where: { workspaceId, refKey: "top_up:topup-request-0001" } })).toBe(1);

    const body = await readJson(await call(creditsRoute.GET, "/api/automation/credits?limit=1", { as: agent, headers: headers() }));
    expect(body).toMatchObject({ balance: before + 250, isLow: false, lowThreshold: Math.ceil((before + 250) / 10), ledger: [{ delta: 250, reason: "Monthly allowance" }] });
  });

  it("says the balance is low under 10 % of the last top-up, and pauses automations with the reason at zero until credits are added", async () => {
    const { credits } = await prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId } });
    await prisma.workspace.update({ where: { id: workspaceId }, data: { credits: 1 } });
    try {
      expect(await readJson(await call(creditsRoute.GET, "/api/automation/credits", { as: agent, headers: headers() }))).toMatchObject({ balance: 1, isLow: true, automationsPaused: false });
      const customer = randomDigits(11);
      await say(customer, "catalog");
      expect(sentTo(customer)).toEqual(["Here is the catalog"]);
      expect(await readJson(await call(creditsRoute.GET, "/api/automation/credits", { as: agent, headers: headers() }))).toMatchObject({ balance: 0, automationsPaused: true, isLow: false });

      await say(customer, "catalog");
      expect(sentTo(customer)).toEqual(["Here is the catalog"]);
      const skipped = await readJson(await call(activityRoute.GET, "/api/automation/activity?limit=1&result=skipped", { as: agent, headers: headers() }));
      expect(skipped.entries[0]).toMatchObject({ kind: "automation_skipped", detail: { code: "credits_exhausted" }, reason: expect.stringContaining("no automation credits left") });

      expect((await topUp({ amount: 10, reason: "Back in business" })).status).toBe(201);
      await say(customer, "catalog");
      expect(sentTo(customer)).toEqual(["Here is the catalog", "Here is the catalog"]);
      expect((await prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId } })).credits).toBe(9);
    } finally {
      await prisma.workspace.update({ where: { id: workspaceId }, data: { credits } });
    }
  });
});
