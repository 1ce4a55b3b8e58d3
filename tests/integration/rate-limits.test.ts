// Per-caller ceilings on the REST API and on Meta's unauthenticated callbacks: past the limit a
// caller gets 429 with Retry-After (and nothing else happens); other callers are unaffected.
import { describe, expect, it } from "vitest";
import { GET as channelsRoute } from "@/app/api/channels/route";
import { POST as deauthorizeRoute } from "@/app/api/meta/deauthorize/route";
import { createApiKey } from "@/lib/auth/api-keys";
import { createAccount } from "../helpers/factories";
import { call, readJson } from "../helpers/http";
import { TEST_BASE_URL } from "../helpers/test-env";

const API_KEY_LIMIT = Number(process.env.API_RATE_LIMIT_PER_MINUTE ?? 1200);
const META_CALLBACK_LIMIT = 120;

describe("REST API rate limit", () => {
  it("answers 429 with Retry-After once an API key spent its per-minute budget, and other keys still work", async () => {
    const account = await createAccount({ label: "rate-limit" });
    const busy = await createApiKey({ workspaceId: account.workspace.id, name: "busy script", role: "agent", createdById: account.user.id });
    const calm = await createApiKey({ workspaceId: account.workspace.id, name: "calm script", role: "agent", createdById: account.user.id });

    const statuses: number[] = [];
    for (let sent = 0; sent < API_KEY_LIMIT; sent += 50) {
      const batch = await Promise.all(Array.from({ length: Math.min(50, API_KEY_LIMIT - sent) }, () => call(channelsRoute, "/api/channels", { apiKey: busy.key })));
      statuses.push(...batch.map((res) => res.status));
    }
    expect(statuses.every((status) => status === 200)).toBe(true);

    const refused = await call(channelsRoute, "/api/channels", { apiKey: busy.key });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await readJson(refused)).error.code).toBe("rate_limited");

    expect((await call(channelsRoute, "/api/channels", { apiKey: calm.key })).status).toBe(200);
  }, 120_000);
});

describe("Meta callback rate limit", () => {
  function post(address: string) {
    const request = new Request(`${TEST_BASE_URL}/api/meta/deauthorize`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": address },
      body: "signed_request=forged.payload",
    });
    return deauthorizeRoute(request, { params: Promise.resolve({}) });
  }

  it("refuses a flood from one address with 429 while another address is still heard", async () => {
    const statuses = await Promise.all(Array.from({ length: META_CALLBACK_LIMIT }, () => post("203.0.113.77").then((res) => res.status)));
    // Refused for what they are (forged, or the Meta app not configured here), never throttled.
    expect(statuses.filter((status) => status === 429)).toEqual([]);
    const refused = await post("203.0.113.77");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).not.toBeNull();
    expect((await post("198.51.100.4")).status).toBe(statuses[0]);
  });
});
