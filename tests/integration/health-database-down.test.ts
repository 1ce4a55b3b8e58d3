// The route modules are imported only after DATABASE_URL points at a closed port, with a fresh
// module graph and no cached Prisma client, so every query really goes to a dead address.
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createAccount } from "../helpers/factories";
import { call, readJson, type RouteHandler } from "../helpers/http";

const globalForPrisma = globalThis as unknown as { switchboardPrisma?: unknown };

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

describe("with the database unreachable", () => {
  const realUrl = process.env.DATABASE_URL;
  const realClient = globalForPrisma.switchboardPrisma;
  let health: () => Promise<Response>;
  let workspaces: RouteHandler;
  let signup: RouteHandler;
  let existing: Awaited<ReturnType<typeof createAccount>>;

  beforeAll(async () => {
    // A real account first (through the working database), to prove a valid session gets 503.
    existing = await createAccount({ label: "outage" });
    process.env.DATABASE_URL = `postgresql://postgres:postgres@127.0.0.1:${await closedPort()}/postgres?sslmode=disable`;
    delete globalForPrisma.switchboardPrisma;
    vi.resetModules();
    health = (await import("@/app/api/health/route")).GET;
    workspaces = (await import("@/app/api/workspaces/route")).GET as RouteHandler;
    signup = (await import("@/app/api/signup/route")).POST as RouteHandler;
  });

  afterAll(async () => {
    const deadClient = globalForPrisma.switchboardPrisma as { $disconnect?: () => Promise<void> } | undefined;
    await deadClient?.$disconnect?.();
    process.env.DATABASE_URL = realUrl;
    globalForPrisma.switchboardPrisma = realClient;
  });

  it("GET /api/health answers 503 with the database down, within 3 seconds", async () => {
    const started = Date.now();
    const res = await health();
    expect(Date.now() - started).toBeLessThan(3000);
    expect(res.status).toBe(503);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({ status: "degraded", database: "down", uptime: expect.any(Number), version: expect.any(String) });
  });

  it("answers 503 with Retry-After, not 500, when a signed-in request cannot reach the database", async () => {
    const res = await call(workspaces, "/api/workspaces", { as: existing.user });
    const body = await readJson(res);
    expect(res.status, JSON.stringify(body)).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(body.error.code).toBe("unavailable");
    expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|postgres/);
  });

  it("answers 503 to a sign-up while the database is down", async () => {
    const res = await call(signup, "/api/signup", {
      method: "POST",
      json: { name: "Outage", email: "outage@example.com", password: "Correct-Horse-Battery-42", workspaceName: "Outage" },
    });
    expect(res.status).toBe(503);
    expect((await readJson(res)).error.code).toBe("unavailable");
  });
});
