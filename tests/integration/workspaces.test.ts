import { describe, expect, it } from "vitest";
import { GET as channelsRoute } from "@/app/api/channels/route";
import { GET as workspaceRoute } from "@/app/api/workspaces/[slug]/route";
import { GET as listRoute, POST as createRoute } from "@/app/api/workspaces/route";
import { prisma } from "@/lib/db/client";
import { addMember, createAccount, uniqueSuffix } from "../helpers/factories";
import { call, readJson } from "../helpers/http";

describe("workspaces", () => {
  it("lists the caller's workspaces with their role in each", async () => {
    const owner = await createAccount();
    const member = await addMember({ workspace: owner.workspace, invitedBy: owner.user, role: "marketer" });
    const res = await call(listRoute, "/api/workspaces", { as: member.user });
    expect(res.status).toBe(200);
    const { workspaces } = await readJson(res);
    expect(workspaces).toEqual([
      { ...member.ownWorkspace, role: "owner" },
      { ...owner.workspace, role: "marketer" },
    ]);
  });

  it("creates another workspace owned by the caller, with its Sandbox channel", async () => {
    const owner = await createAccount();
    const name = `Second brand ${uniqueSuffix()}`;
    const res = await call(createRoute, "/api/workspaces", { method: "POST", as: owner.user, json: { name: `  ${name}  ` } });
    expect(res.status).toBe(201);
    const { workspace } = await readJson(res);
    expect(workspace).toMatchObject({ name, slug: expect.stringMatching(/^second-brand-/) });
    const stored = await prisma.workspace.findUniqueOrThrow({ where: { id: workspace.id }, include: { memberships: true, channels: true } });
    expect(stored.memberships).toEqual([expect.objectContaining({ userId: owner.user.id, role: "owner" })]);
    expect(stored.channels).toEqual([expect.objectContaining({ type: "sandbox" })]);
    // Its starting automation credits are recorded like every later change.
    const ledger = await prisma.creditLedger.findMany({ where: { workspaceId: workspace.id } });
    expect(ledger).toEqual([expect.objectContaining({ delta: stored.credits, balanceAfter: stored.credits, reason: "initial_grant" })]);
  });

  it("never takes a reserved path as a slug", async () => {
    const owner = await createAccount();
    for (const name of ["API", "Settings", "login"]) {
      const res = await call(createRoute, "/api/workspaces", { method: "POST", as: owner.user, json: { name } });
      expect(res.status).toBe(201);
      const { workspace } = await readJson(res);
      expect(workspace.slug).not.toBe(name.toLowerCase());
      expect(workspace.slug.startsWith(`${name.toLowerCase()}-`)).toBe(true);
    }
  });

  it("answers 422 for a one-letter name and 400 for malformed JSON, creating nothing", async () => {
    const owner = await createAccount();
    const before = await prisma.membership.count({ where: { userId: owner.user.id } });
    const short = await call(createRoute, "/api/workspaces", { method: "POST", as: owner.user, json: { name: "x" } });
    expect(short.status).toBe(422);
    expect((await readJson(short)).error.field).toBe("name");
    const malformed = await call(createRoute, "/api/workspaces", { method: "POST", as: owner.user, body: "{", headers: { "content-type": "application/json" } });
    expect(malformed.status).toBe(400);
    expect(await prisma.membership.count({ where: { userId: owner.user.id } })).toBe(before);
  });

  it("shows a member the workspace and their role", async () => {
    const owner = await createAccount();
    const agent = await addMember({ workspace: owner.workspace, invitedBy: owner.user, role: "agent" });
    const { slug } = owner.workspace;
    const res = await call(workspaceRoute, `/api/workspaces/${slug}`, { as: agent.user, params: { slug } });
    expect(res.status).toBe(200);
    expect(await readJson(res)).toEqual({ workspace: owner.workspace, role: "agent" });
  });

  it("lists channels for a session that names the workspace in X-Workspace, and asks for it otherwise", async () => {
    const owner = await createAccount();
    const res = await call(channelsRoute, "/api/channels", { as: owner.user, headers: { "x-workspace": owner.workspace.slug } });
    expect(res.status).toBe(200);
    const { channels } = await readJson(res);
    expect(channels).toEqual([expect.objectContaining({ id: expect.any(String), type: "sandbox", name: "Sandbox", status: "active" })]);
    expect(JSON.stringify(channels)).not.toMatch(/credentials|accessToken|appSecret|authToken|verifyToken/);
    const without = await call(channelsRoute, "/api/channels", { as: owner.user });
    expect(without.status).toBe(400);
    expect((await readJson(without)).error.message).toMatch(/X-Workspace/);
  });
});
