import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { GET as channelsRoute } from "@/app/api/channels/route";
import { DELETE as revokeKeyRoute } from "@/app/api/workspaces/[slug]/api-keys/[id]/route";
import { GET as listKeysRoute, POST as createKeyRoute } from "@/app/api/workspaces/[slug]/api-keys/route";
import { DELETE as revokeInvitationRoute } from "@/app/api/workspaces/[slug]/invitations/[id]/route";
import { GET as listInvitationsRoute, POST as createInvitationRoute } from "@/app/api/workspaces/[slug]/invitations/route";
import { DELETE as removeMemberRoute, PATCH as changeRoleRoute } from "@/app/api/workspaces/[slug]/members/[memberId]/route";
import { GET as membersRoute } from "@/app/api/workspaces/[slug]/members/route";
import { GET as workspaceRoute } from "@/app/api/workspaces/[slug]/route";
import { prisma } from "@/lib/db/client";
import { createInvitation } from "@/lib/workspaces/invitations";
import { addMember, createAccount, snapshotWorkspace, type TestAccount } from "../helpers/factories";
import { call, readJson } from "../helpers/http";

type CreatedKey = { id: string; key: string; name: string; role: string; prefix: string };

async function createKey(account: TestAccount, body: Record<string, unknown> = { name: "Zapier" }): Promise<CreatedKey> {
  const { slug } = account.workspace;
  const res = await call(createKeyRoute, `/api/workspaces/${slug}/api-keys`, { method: "POST", as: account.user, json: body, params: { slug } });
  expect(res.status).toBe(201);
  return (await readJson(res)).apiKey;
}

function sha256(text: string) {
  return createHash("sha256").update(text).digest("hex");
}

/** Number of rows, across every table of the schema, whose text contains `needle`. */
async function rowsContaining(needle: string) {
  const tables = await prisma.$queryRaw<{ table_name: string }[]>`
    SELECT table_name::text AS table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`;
  let count = 0;
  for (const { table_name } of tables) {
    const [row] = await prisma.$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM "${table_name.replace(/"/g, '""')}" t WHERE t::text LIKE $1`,
      `%${needle}%`,
    );
    count += row.n;
  }
  return { tables: tables.length, count };
}

describe("API keys", () => {
  it("returns a new key once and stores only its SHA-256", async () => {
    const owner = await createAccount();
    const apiKey = await createKey(owner, { name: "Zapier", role: "agent" });
    expect(apiKey).toMatchObject({ name: "Zapier", role: "agent" });
    expect(apiKey.key).toMatch(/^sb_live_[\w-]{43}$/);
    expect(apiKey.key.startsWith(apiKey.prefix)).toBe(true);
    expect(apiKey.prefix.length).toBeLessThan(apiKey.key.length - 20);

    const stored = await prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id }, omit: { keyHash: false } });
    expect(stored.keyHash).toBe(sha256(apiKey.key));
    expect(stored).toMatchObject({ workspaceId: owner.workspace.id, createdById: owner.user.id, role: "agent", revokedAt: null });
    const scan = await rowsContaining(apiKey.key);
    expect(scan.tables).toBeGreaterThan(5);
    expect(scan.count).toBe(0);
    // Not even the secret part after the prefix is stored anywhere.
    expect((await rowsContaining(apiKey.key.slice(apiKey.prefix.length))).count).toBe(0);
  });

  it("defaults a key to the admin role and rejects owner keys and blank names with 422", async () => {
    const owner = await createAccount();
    expect((await createKey(owner, { name: "Default" })).role).toBe("admin");
    const { slug } = owner.workspace;
    for (const body of [{ name: "Boss", role: "owner" }, { name: "  " }, { name: "x", extra: true }]) {
      const res = await call(createKeyRoute, `/api/workspaces/${slug}/api-keys`, { method: "POST", as: owner.user, json: body, params: { slug } });
      expect(res.status).toBe(422);
    }
    expect(await prisma.apiKey.count({ where: { workspaceId: owner.workspace.id } })).toBe(1);
  });

  it("lists keys without their value or hash", async () => {
    const owner = await createAccount();
    const apiKey = await createKey(owner);
    const { slug } = owner.workspace;
    const res = await call(listKeysRoute, `/api/workspaces/${slug}/api-keys`, { as: owner.user, params: { slug } });
    expect(res.status).toBe(200);
    const text = await res.text();
    const stored = await prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id }, omit: { keyHash: false } });
    expect(text).not.toContain(apiKey.key);
    expect(text).not.toContain(stored.keyHash);
    expect(text).not.toMatch(/keyHash/);
    expect(JSON.parse(text).apiKeys).toEqual([
      expect.objectContaining({ id: apiKey.id, name: "Zapier", prefix: apiKey.prefix, role: "admin", revokedAt: null }),
    ]);
  });

  it("authenticates a Bearer key on GET /api/channels and GET /api/workspaces/[slug] of its own workspace", async () => {
    const owner = await createAccount();
    const apiKey = await createKey(owner, { name: "Reader", role: "agent" });
    const channels = await call(channelsRoute, "/api/channels", { apiKey: apiKey.key });
    expect(channels.status).toBe(200);
    const body = await readJson(channels);
    expect(body.channels).toEqual([expect.objectContaining({ type: "sandbox", name: "Sandbox" })]);
    expect(JSON.stringify(body)).not.toContain("credentials");

    const { slug } = owner.workspace;
    const workspace = await call(workspaceRoute, `/api/workspaces/${slug}`, { apiKey: apiKey.key, params: { slug } });
    expect(workspace.status).toBe(200);
    expect(await readJson(workspace)).toEqual({ workspace: { id: owner.workspace.id, slug, name: owner.workspace.name }, role: "agent" });

    // Naming its own workspace in X-Workspace is fine too.
    expect((await call(channelsRoute, "/api/channels", { apiKey: apiKey.key, headers: { "x-workspace": slug } })).status).toBe(200);
    const stored = await prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } });
    expect(stored.lastUsedAt).toBeInstanceOf(Date);
  });

  it("answers 403 when a key names another workspace", async () => {
    const owner = await createAccount();
    const other = await createAccount({ label: "other" });
    const apiKey = await createKey(owner);
    const slug = other.workspace.slug;
    const res = await call(workspaceRoute, `/api/workspaces/${slug}`, { apiKey: apiKey.key, params: { slug } });
    expect(res.status).toBe(403);
    expect(JSON.stringify(await readJson(res))).not.toContain(other.workspace.name);
    expect((await call(channelsRoute, "/api/channels", { apiKey: apiKey.key, headers: { "x-workspace": slug } })).status).toBe(403);
    expect((await call(membersRoute, `/api/workspaces/${slug}/members`, { apiKey: apiKey.key, params: { slug } })).status).toBe(403);
  });

  it("answers 401 for a revoked key", async () => {
    const owner = await createAccount();
    const apiKey = await createKey(owner);
    const { slug } = owner.workspace;
    const revoke = await call(revokeKeyRoute, `/api/workspaces/${slug}/api-keys/${apiKey.id}`, { method: "DELETE", as: owner.user, params: { slug, id: apiKey.id } });
    expect(revoke.status).toBe(204);
    expect((await prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })).revokedAt).toBeInstanceOf(Date);
    const res = await call(channelsRoute, "/api/channels", { apiKey: apiKey.key });
    expect(res.status).toBe(401);
    expect((await readJson(res)).error.code).toBe("unauthorized");
    // Revoking twice is harmless.
    const again = await call(revokeKeyRoute, `/api/workspaces/${slug}/api-keys/${apiKey.id}`, { method: "DELETE", as: owner.user, params: { slug, id: apiKey.id } });
    expect(again.status).toBe(204);
  });

  it.each([
    ["a garbage key", "Bearer not-a-key"],
    ["a well-formed but unknown key", `Bearer sb_live_${"A".repeat(43)}`],
    ["a Basic authorization header", "Basic dXNlcjpwYXNz"],
    ["an empty Bearer", "Bearer "],
  ])("answers 401 for %s", async (_label, authorization) => {
    const res = await call(channelsRoute, "/api/channels", { headers: { authorization } });
    expect(res.status).toBe(401);
    expect((await readJson(res)).error.code).toBe("unauthorized");
  });

  it("answers 401 for a bad key even with a valid session cookie alongside", async () => {
    const owner = await createAccount();
    const res = await call(channelsRoute, "/api/channels", { as: owner.user, headers: { authorization: "Bearer nope", "x-workspace": owner.workspace.slug } });
    expect(res.status).toBe(401);
  });

  it("answers 403 when a key tries to manage members, keys or invitations, and changes nothing", async () => {
    const owner = await createAccount();
    const apiKey = await createKey(owner, { name: "Admin key", role: "admin" });
    const agent = await addMember({ workspace: owner.workspace, invitedBy: owner.user, role: "agent" });
    const invitation = await createInvitation({ workspaceId: owner.workspace.id, role: "agent", createdById: owner.user.id });
    const { slug } = owner.workspace;
    const before = await snapshotWorkspace(owner.workspace.id);
    const attempts = [
      () => call(listKeysRoute, `/api/workspaces/${slug}/api-keys`, { apiKey: apiKey.key, params: { slug } }),
      () => call(createKeyRoute, `/api/workspaces/${slug}/api-keys`, { method: "POST", apiKey: apiKey.key, json: { name: "Escalate" }, params: { slug } }),
      () => call(revokeKeyRoute, `/api/workspaces/${slug}/api-keys/${apiKey.id}`, { method: "DELETE", apiKey: apiKey.key, params: { slug, id: apiKey.id } }),
      () => call(listInvitationsRoute, `/api/workspaces/${slug}/invitations`, { apiKey: apiKey.key, params: { slug } }),
      () => call(createInvitationRoute, `/api/workspaces/${slug}/invitations`, { method: "POST", apiKey: apiKey.key, json: { role: "admin" }, params: { slug } }),
      () => call(revokeInvitationRoute, `/api/workspaces/${slug}/invitations/${invitation.id}`, { method: "DELETE", apiKey: apiKey.key, params: { slug, id: invitation.id } }),
      () => call(changeRoleRoute, `/api/workspaces/${slug}/members/${agent.membershipId}`, { method: "PATCH", apiKey: apiKey.key, json: { role: "admin" }, params: { slug, memberId: agent.membershipId } }),
      () => call(removeMemberRoute, `/api/workspaces/${slug}/members/${agent.membershipId}`, { method: "DELETE", apiKey: apiKey.key, params: { slug, memberId: agent.membershipId } }),
    ];
    for (const attempt of attempts) {
      const res = await attempt();
      expect(res.status).toBe(403);
      expect((await readJson(res)).error.code).toBe("forbidden");
    }
    const after = await snapshotWorkspace(owner.workspace.id);
    // lastUsedAt may be touched by authentication; nothing else may change.
    expect({ ...after, apiKeys: after.apiKeys.map((k) => ({ ...k, lastUsedAt: null })) }).toEqual({
      ...before,
      apiKeys: before.apiKeys.map((k) => ({ ...k, lastUsedAt: null })),
    });
  });

  it("answers 403 when an agent or marketer manages keys", async () => {
    const owner = await createAccount();
    const agent = await addMember({ workspace: owner.workspace, invitedBy: owner.user, role: "agent" });
    const { slug } = owner.workspace;
    expect((await call(listKeysRoute, `/api/workspaces/${slug}/api-keys`, { as: agent.user, params: { slug } })).status).toBe(403);
    const res = await call(createKeyRoute, `/api/workspaces/${slug}/api-keys`, { method: "POST", as: agent.user, json: { name: "Mine" }, params: { slug } });
    expect(res.status).toBe(403);
    expect(await prisma.apiKey.count({ where: { workspaceId: owner.workspace.id } })).toBe(0);
  });
});
