import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { FakePage, FakeProviders, FakeTemplate, FakeTwilioContent, RecordedRequest } from "../../fakes/fake-providers";

// The fake Graph API / Twilio server lives in Playwright's global-setup process, but the specs
// run in worker processes. This small control server (loopback only, next to the fake) lets a
// spec read what the fake received and register its own WhatsApp numbers, templates and Facebook
// Pages (with their Instagram accounts), so each journey uses accounts no other spec has connected.

/** The control server's port: E2E_FAKE_CONTROL_PORT, else the fake's port + 1. */
export function fakeControlPort(): number {
  return Number(process.env.E2E_FAKE_CONTROL_PORT ?? Number(process.env.E2E_FAKE_PORT ?? 3499) + 1);
}

export type FakeControl = { url: string; close: () => Promise<void> };

/** Starts the control server for `fake` on 127.0.0.1 (global setup). */
export async function startFakeControl({ fake, port }: { fake: FakeProviders; port: number }): Promise<FakeControl> {
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://control.local");
      const send = (status: number, body: unknown) => {
        if (status === 204) {
          res.writeHead(204).end();
          return;
        }
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (req.method === "GET" && url.pathname === "/requests") {
        send(200, { requests: fake.requests.map(summarize) });
        return;
      }
      const body = await readJson(req);
      if (req.method === "POST" && url.pathname === "/phone-numbers") {
        const { id, displayPhoneNumber, verifiedName } = body as { id: string; displayPhoneNumber?: string; verifiedName?: string };
        fake.registerPhoneNumber({ id, displayPhoneNumber, verifiedName, qualityRating: "GREEN" });
        send(204, null);
        return;
      }
      if (req.method === "POST" && url.pathname === "/pages") {
        const { id, name, accessToken, igAccountId, igUsername, igName } = body as FakePage;
        fake.registerPage({ id, name, accessToken, igAccountId, igUsername, igName });
        send(204, null);
        return;
      }
      if (req.method === "POST" && url.pathname === "/templates") {
        const { wabaId, templates } = body as { wabaId: string; templates: FakeTemplate[] };
        fake.setTemplates(wabaId, templates);
        send(204, null);
        return;
      }
      if (req.method === "POST" && url.pathname === "/twilio-contents") {
        const { accountSid, contents } = body as { accountSid: string; contents: FakeTwilioContent[] };
        fake.setTwilioContents(accountSid, contents);
        send(204, null);
        return;
      }
      if (req.method === "POST" && url.pathname === "/fail-next") {
        const { pathEndsWith, status, body: answer, times } = body as { pathEndsWith: string; status: number; body: unknown; times?: number };
        fake.failNext({ match: (request) => request.path.endsWith(pathEndsWith), status, body: answer, times });
        send(204, null);
        return;
      }
      send(404, { error: "unknown control route" });
    })().catch((error: unknown) => {
      res.writeHead(500, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ error: String(error) }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A recorded request as the specs see it (no headers: they carry tokens). */
export type FakeRequestSummary = Pick<RecordedRequest, "provider" | "method" | "path" | "body"> & { receivedAt: string };

function summarize(request: RecordedRequest): FakeRequestSummary {
  return { provider: request.provider, method: request.method, path: request.path, body: request.body, receivedAt: request.receivedAt.toISOString() };
}

function readJson(req: import("node:http").IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      try {
        resolve(text ? JSON.parse(text) : null);
      } catch (error) {
        reject(error);
      }
    });
    req.on("error", reject);
  });
}

// --- Client side (specs) ------------------------------------------------------------------------

const controlUrl = () => `http://127.0.0.1:${fakeControlPort()}`;

/** Every request the fake has received so far, oldest first. */
export async function fakeRequests(): Promise<FakeRequestSummary[]> {
  const response = await fetch(`${controlUrl()}/requests`);
  const data = (await response.json()) as { requests: FakeRequestSummary[] };
  return data.requests;
}

/** Makes the fake Graph API know a WhatsApp number (so connecting and sending from it work). */
export async function registerFakePhoneNumber(phone: { id: string; displayPhoneNumber?: string; verifiedName?: string }): Promise<void> {
  await fetch(`${controlUrl()}/phone-numbers`, { method: "POST", body: JSON.stringify(phone) });
}

/**
 * Adds a Facebook Page, with its Instagram professional account, to what the fake's Facebook
 * user manages (GET /me/accounts), so "Connect Instagram" can connect an account of the spec's own.
 */
export async function registerFakePage(page: Pick<FakePage, "id" | "name" | "accessToken" | "igAccountId" | "igUsername" | "igName">): Promise<void> {
  await fetch(`${controlUrl()}/pages`, { method: "POST", body: JSON.stringify(page) });
}

/** Replaces the templates the fake lists for a WABA. */
export async function setFakeTemplates(wabaId: string, templates: FakeTemplate[]): Promise<void> {
  await fetch(`${controlUrl()}/templates`, { method: "POST", body: JSON.stringify({ wabaId, templates }) });
}

/** Replaces the Content templates the fake Twilio Content API lists for an account. */
export async function setFakeTwilioContents(accountSid: string, contents: FakeTwilioContent[]): Promise<void> {
  await fetch(`${controlUrl()}/twilio-contents`, { method: "POST", body: JSON.stringify({ accountSid, contents }) });
}

/** Makes the fake answer the next request(s) whose path ends with `pathEndsWith` with this error. */
export async function failNextFakeRequest(rule: { pathEndsWith: string; status: number; body: unknown; times?: number }): Promise<void> {
  await fetch(`${controlUrl()}/fail-next`, { method: "POST", body: JSON.stringify(rule) });
}
