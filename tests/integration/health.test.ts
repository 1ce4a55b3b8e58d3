import { describe, expect, it } from "vitest";
import { GET } from "@/app/api/health/route";
import packageJson from "@/package.json";

describe("GET /api/health", () => {
  it("answers 200 with the database up, the uptime and the version, never cached", async () => {
    const res = await GET();
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = await res.json();
    expect(body).toEqual({ status: "ok", database: "up", uptime: expect.any(Number), version: packageJson.version });
    expect(body.uptime).toBeGreaterThanOrEqual(0);
  });
});
