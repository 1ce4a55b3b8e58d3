import { describe, expect, it } from "vitest";
import { POST } from "@/app/api/signup/route";
import { verifyPassword } from "@/lib/auth/password";
import { prisma } from "@/lib/db/client";
import { createAccount, TEST_PASSWORD, uniqueEmail, uniqueSuffix } from "../helpers/factories";
import { call, readJson } from "../helpers/http";

function signUpBody(overrides: Record<string, unknown> = {}) {
  return { name: "Ada Lovelace", email: uniqueEmail("signup"), password: TEST_PASSWORD, workspaceName: `Ada shop ${uniqueSuffix()}`, ...overrides };
}

async function storedUser(email: string) {
  return prisma.user.findUnique({ where: { email }, omit: { passwordHash: false }, include: { memberships: true } });
}

describe("POST /api/signup", () => {
  it("creates the user with a hashed password, the workspace, the owner membership and a Sandbox channel", async () => {
    const body = signUpBody({ email: `  Ada.${uniqueSuffix()}@Example.COM ` });
    const email = body.email.trim().toLowerCase();
    const res = await call(POST, "/api/signup", { method: "POST", json: body });
    expect(res.status).toBe(201);
    const result = await readJson(res);
    expect(result.user).toEqual({ id: expect.any(String), email, name: "Ada Lovelace" });
    expect(result.workspace).toMatchObject({ id: expect.any(String), name: body.workspaceName, slug: expect.stringMatching(/^ada-shop-/) });
    expect(JSON.stringify(result)).not.toMatch(/password/i);

    const user = await storedUser(email);
    expect(user).not.toBeNull();
    expect(user!.passwordHash).not.toContain(TEST_PASSWORD);
    expect(user!.passwordHash).toMatch(/^scrypt\$/);
    await expect(verifyPassword(TEST_PASSWORD, user!.passwordHash)).resolves.toBe(true);
    expect(user!.memberships).toEqual([expect.objectContaining({ workspaceId: result.workspace.id, role: "owner" })]);

    const channels = await prisma.channel.findMany({ where: { workspaceId: result.workspace.id } });
    expect(channels).toEqual([expect.objectContaining({ type: "sandbox", name: "Sandbox", status: "active" })]);
  });

  it("gives two workspaces with the same name different slugs", async () => {
    const name = `Same name ${uniqueSuffix()}`;
    const first = await readJson(await call(POST, "/api/signup", { method: "POST", json: signUpBody({ workspaceName: name }) }));
    const second = await readJson(await call(POST, "/api/signup", { method: "POST", json: signUpBody({ workspaceName: name }) }));
    expect(first.workspace.slug).not.toBe(second.workspace.slug);
    expect(second.workspace.slug.startsWith(first.workspace.slug)).toBe(true);
  });

  it("answers 409 on the email field and writes nothing when the email is taken, in any letter case", async () => {
    const existing = await createAccount({ label: "taken" });
    const workspaceName = `Second ${uniqueSuffix()}`;
    const usersBefore = await prisma.user.count({ where: { email: existing.user.email } });
    const res = await call(POST, "/api/signup", {
      method: "POST",
      json: signUpBody({ email: existing.user.email.toUpperCase(), workspaceName }),
    });
    expect(res.status).toBe(409);
    const body = await readJson(res);
    expect(body.error).toMatchObject({ code: "conflict", field: "email" });
    expect(await prisma.user.count({ where: { email: existing.user.email } })).toBe(usersBefore);
    expect(await prisma.workspace.count({ where: { name: workspaceName } })).toBe(0);
    // The existing account keeps its password.
    const user = await storedUser(existing.user.email);
    await expect(verifyPassword(TEST_PASSWORD, user!.passwordHash)).resolves.toBe(true);
    expect(user!.memberships).toHaveLength(1);
  });

  it("creates exactly one account when the same email signs up twice at once", async () => {
    const email = uniqueEmail("race");
    const [a, b] = await Promise.all([
      call(POST, "/api/signup", { method: "POST", json: signUpBody({ email }) }),
      call(POST, "/api/signup", { method: "POST", json: signUpBody({ email }) }),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const loser = a.status === 409 ? a : b;
    expect((await readJson(loser)).error.code).toBe("conflict");
    const user = await storedUser(email);
    expect(user!.memberships).toHaveLength(1);
    expect(await prisma.user.count({ where: { email } })).toBe(1);
  });

  it.each([
    ["a weak password", { password: "password123" }, "password"],
    ["a too short password", { password: "Ab1-" }, "password"],
    ["a malformed email", { email: "ada-at-example.com" }, "email"],
    ["a missing workspace name", { workspaceName: undefined }, "workspaceName"],
    ["a missing name", { name: undefined }, "name"],
  ])("answers 422 with the field and writes nothing for %s", async (_label, patch, field) => {
    const body = signUpBody(patch);
    const res = await call(POST, "/api/signup", { method: "POST", json: body });
    expect(res.status).toBe(422);
    const json = await readJson(res);
    expect(json.error).toMatchObject({ code: "unprocessable", field });
    expect(json.error.message).toMatch(new RegExp(`^${field}: `));
    if (typeof body.email === "string") expect(await storedUser(body.email)).toBeNull();
    if (typeof body.workspaceName === "string") expect(await prisma.workspace.count({ where: { name: body.workspaceName } })).toBe(0);
  });

  it("answers 422 and writes nothing when the body carries unknown extra fields", async () => {
    const body = signUpBody({ role: "owner", isAdmin: true });
    const res = await call(POST, "/api/signup", { method: "POST", json: body });
    expect(res.status).toBe(422);
    expect((await readJson(res)).error.code).toBe("unprocessable");
    expect(await storedUser(body.email)).toBeNull();
  });

  it("answers 415 for a non-JSON body and writes nothing", async () => {
    const body = signUpBody();
    const form = new URLSearchParams(body as Record<string, string>).toString();
    const res = await call(POST, "/api/signup", {
      method: "POST",
      body: form,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(415);
    expect((await readJson(res)).error.code).toBe("unsupported_media_type");
    expect(await storedUser(body.email)).toBeNull();
  });

  it("answers 400 for malformed JSON", async () => {
    const res = await call(POST, "/api/signup", { method: "POST", body: '{"email": "a@b.c",', headers: { "content-type": "application/json" } });
    expect(res.status).toBe(400);
    expect((await readJson(res)).error).toEqual({ code: "bad_request", message: "The request body is not valid JSON" });
  });

  it("answers 413 for a body over 16 KB, declared or streamed, and writes nothing", async () => {
    const body = signUpBody({ name: "x".repeat(17 * 1024) });
    const text = JSON.stringify(body);
    const declared = await call(POST, "/api/signup", {
      method: "POST",
      body: text,
      headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)) },
    });
    expect(declared.status).toBe(413);
    const streamed = await call(POST, "/api/signup", {
      method: "POST",
      body: new Blob([text]).stream(),
      headers: { "content-type": "application/json" },
    });
    expect(streamed.status).toBe(413);
    expect((await readJson(streamed)).error.code).toBe("payload_too_large");
    expect(await storedUser(body.email)).toBeNull();
  });

  it("answers 429 with Retry-After after 20 sign-up attempts from one address", async () => {
    const address = `192.0.2.${Math.floor(Math.random() * 250) + 1}-${uniqueSuffix()}`;
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      // Invalid bodies: the limit counts attempts, so no account is needed to exhaust it.
      const res = await call(POST, "/api/signup", { method: "POST", json: {}, headers: { "x-forwarded-for": address } });
      statuses.push(res.status);
      if (i === 20) expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    expect(statuses.slice(0, 20).every((status) => status === 422)).toBe(true);
    expect(statuses[20]).toBe(429);
    // Another address is not affected.
    const other = await call(POST, "/api/signup", { method: "POST", json: {} });
    expect(other.status).toBe(422);
  });
});
