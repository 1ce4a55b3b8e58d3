// Every protected route answers 401 to a caller who is not signed in, whatever the disguise.
// The endpoint list comes from the files under app/api: a new route is protected by default
// here, and must be listed in `publicEndpoints` with a reason to be exempt.
import { EncryptJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { encode } from "next-auth/jwt";
import { prisma } from "@/lib/db/client";
import { createAccount, type TestAccount } from "../helpers/factories";
import { readJson, type RouteHandler } from "../helpers/http";
import { discoverEndpoints } from "../helpers/routes";
import { TEST_BASE_URL } from "../helpers/test-env";

const publicEndpoints: Record<string, string> = {
  "GET /api/auth/[...nextauth]": "next-auth itself: sign-in, CSRF and session endpoints",
  "POST /api/auth/[...nextauth]": "next-auth itself: sign-in, CSRF and session endpoints",
  "GET /api/health": "load balancers and monitors probe it without credentials",
  "GET /api/attachments/[id]/[token]": "Meta and Twilio fetch attachments without credentials; the HMAC token in the URL is the key (attachments.test.ts checks wrong tokens get 404)",
  "POST /api/signup": "creates the account, so nobody is signed in yet",
  // Provider webhooks: authenticated by the provider's signature (or verify token), never by a
  // session; the webhook tests cover their rejection of unsigned requests.
  "GET /api/webhooks/instagram": "Meta's subscription check (hub.verify_token)",
  "POST /api/webhooks/instagram": "Meta webhook, X-Hub-Signature-256",
  "GET /api/webhooks/whatsapp/[channelId]": "Meta's subscription check (hub.verify_token)",
  "POST /api/webhooks/whatsapp/[channelId]": "WhatsApp Cloud webhook, X-Hub-Signature-256",
  "POST /api/webhooks/twilio/[channelId]": "Twilio webhook, X-Twilio-Signature",
  "POST /api/webhooks/twilio/[channelId]/status": "Twilio status callback, X-Twilio-Signature",
  // Meta platform callbacks: authenticated by signed_request (HMAC with the Meta app secret).
  "POST /api/meta/data-deletion": "Meta data deletion callback, signed_request",
  "POST /api/meta/deauthorize": "Meta deauthorize callback, signed_request",
};

// Platform endpoints that take a shared secret instead of a session: checked below that no
// session, however valid, opens them.
const cronSecretEndpoints = ["GET /api/cron/[task]", "POST /api/cron/[task]"];

const endpoints = await discoverEndpoints();

function fillPath(template: string, workspaceSlug: string) {
  const params: Record<string, string> = {};
  const path = template.replace(/\[(?:\.\.\.)?(\w+)\]/g, (_match, name: string) => {
    params[name] = name === "slug" ? workspaceSlug : `nonexistent-${name}`;
    return params[name];
  });
  return { path, params };
}

async function send(handler: RouteHandler, method: string, template: string, slug: string, headers: Record<string, string>) {
  const { path, params } = fillPath(template, slug);
  const hasBody = !["GET", "HEAD", "DELETE"].includes(method);
  const req = new Request(new URL(path, TEST_BASE_URL), {
    method,
    headers: { ...(hasBody ? { "content-type": "application/json" } : {}), "x-workspace": slug, ...headers },
    body: hasBody ? JSON.stringify({ token: "x".repeat(20), role: "agent", name: "x" }) : undefined,
  });
  return handler(req, { params: Promise.resolve(params) });
}

describe("unauthenticated requests", () => {
  let victim: TestAccount;
  let deletedUserCookie: string;
  let wrongSecretCookie: string;

  beforeAll(async () => {
    victim = await createAccount({ label: "victim" });
    const ghost = await createAccount({ label: "ghost" });
    const secret = process.env.NEXTAUTH_SECRET!;
    deletedUserCookie = `next-auth.session-token=${await encode({ token: { sub: ghost.user.id, email: ghost.user.email }, secret })}`;
    await prisma.membership.deleteMany({ where: { userId: ghost.user.id } });
    await prisma.user.delete({ where: { id: ghost.user.id } });
    // A session for the victim, signed with someone else's secret.
    wrongSecretCookie = `next-auth.session-token=${await encode({ token: { sub: victim.user.id, email: victim.user.email }, secret: "an-attacker-chosen-secret-of-32-chars!!" })}`;
  });

  const protectedEndpoints = endpoints.filter((e) => !(e.key in publicEndpoints) && !cronSecretEndpoints.includes(e.key));

  it("knows every public endpoint it exempts", () => {
    const keys = endpoints.map((e) => e.key);
    for (const key of [...Object.keys(publicEndpoints), ...cronSecretEndpoints]) expect(keys).toContain(key);
    expect(protectedEndpoints.length).toBeGreaterThan(10);
  });

  for (const endpoint of protectedEndpoints) {
    describe(endpoint.key, () => {
      const disguises: [string, () => Record<string, string>][] = [
        ["no credentials", () => ({})],
        ["a garbage session cookie", () => ({ cookie: "next-auth.session-token=garbage" })],
        ["a session cookie signed with another secret", () => ({ cookie: wrongSecretCookie })],
        ["a valid session of a deleted user", () => ({ cookie: deletedUserCookie })],
        ["a cookie under another name", () => ({ cookie: "__Secure-next-auth.session-token=whatever; session=1" })],
      ];
      for (const [label, headers] of disguises) {
        it(`answers 401 for ${label}`, async () => {
          const res = await send(endpoint.handler, endpoint.method, endpoint.route.path, victim.workspace.slug, headers());
          const body = await readJson(res);
          expect(res.status, JSON.stringify(body)).toBe(401);
          expect(body.error.code).toBe("unauthorized");
          expect(JSON.stringify(body)).not.toContain(victim.workspace.name);
        });
      }
    });
  }

  it("answers 401 for an unsigned (alg none) or self-encrypted token claiming to be the victim", async () => {
    const endpoint = endpoints.find((e) => e.key === "GET /api/workspaces/[slug]")!;
    const unsigned = [
      Buffer.from(JSON.stringify({ alg: "none" })).toString("base64url"),
      Buffer.from(JSON.stringify({ sub: victim.user.id })).toString("base64url"),
      "",
    ].join(".");
    const selfEncrypted = await new EncryptJWT({ sub: victim.user.id })
      .setProtectedHeader({ alg: "dir", enc: "A256GCM" })
      .encrypt(new Uint8Array(32));
    for (const token of [unsigned, selfEncrypted]) {
      const res = await send(endpoint.handler, "GET", endpoint.route.path, victim.workspace.slug, { cookie: `next-auth.session-token=${token}` });
      expect(res.status).toBe(401);
    }
  });
  for (const key of cronSecretEndpoints) {
    it(`${key} refuses every caller without the cron secret, including a valid session`, async () => {
      const endpoint = endpoints.find((e) => e.key === key)!;
      const previous = process.env.CRON_SECRET;
      const secret = "cron-secret-for-tests-0123456789abcdef";
      const validSession = `next-auth.session-token=${await encode({ token: { sub: victim.user.id, email: victim.user.email }, secret: process.env.NEXTAUTH_SECRET! })}`;
      // An unknown task: a request that got through authentication would answer 404, not run work.
      const callCron = (headers: Record<string, string>) =>
        endpoint.handler(new Request(new URL("/api/cron/no-such-task", TEST_BASE_URL), { method: endpoint.method, headers }), {
          params: Promise.resolve({ task: "no-such-task" }),
        });
      try {
        process.env.CRON_SECRET = secret;
        const refused: Record<string, string>[] = [
          {},
          { cookie: validSession },
          { authorization: "Bearer wrong" },
          { authorization: `Bearer ${secret}x` },
          { authorization: secret },
        ];
        for (const headers of refused) {
          const res = await callCron(headers);
          expect(res.status, JSON.stringify(headers)).toBe(401);
        }
        expect((await callCron({ authorization: `Bearer ${secret}` })).status).toBe(404);
        // Fails closed when no secret is configured at all.
        delete process.env.CRON_SECRET;
        expect((await callCron({ authorization: "Bearer " })).status).toBe(403);
        expect((await callCron({ cookie: validSession })).status).toBe(403);
      } finally {
        if (previous === undefined) delete process.env.CRON_SECRET;
        else process.env.CRON_SECRET = previous;
      }
    });
  }
});
