import { describe, expect, it } from "vitest";
import { DELETE as removeRoute, PATCH as changeRoute } from "@/app/api/workspaces/[slug]/members/[memberId]/route";
import { GET as listRoute } from "@/app/api/workspaces/[slug]/members/route";
import { GET as workspaceRoute } from "@/app/api/workspaces/[slug]/route";
import { prisma } from "@/lib/db/client";
import { addMember, createAccount, type TestAccount, type TestUser } from "../helpers/factories";
import { call, readJson } from "../helpers/http";

function changeRole(account: TestAccount, memberId: string, role: string, as: TestUser = account.user) {
  const { slug } = account.workspace;
  return call(changeRoute, `/api/workspaces/${slug}/members/${memberId}`, { method: "PATCH", as, json: { role }, params: { slug, memberId } });
}

function removeMember(account: TestAccount, memberId: string, as: TestUser = account.user) {
  const { slug } = account.workspace;
  return call(removeRoute, `/api/workspaces/${slug}/members/${memberId}`, { method: "DELETE", as, params: { slug, memberId } });
}

async function ownerMembershipId(account: TestAccount) {
  const membership = await prisma.membership.findUniqueOrThrow({
    where: { workspaceId_userId: { workspaceId: account.workspace.id, userId: account.user.id } },
    select: { id: true },
  });
  return membership.id;
}

function roleOf(membershipId: string) {
  return prisma.membership.findUnique({ where: { id: membershipId }, select: { role: true } }).then((m) => m?.role ?? null);
}

describe("members", () => {
  it("lists the members with their roles to any member", async () => {
    const owner = await createAccount();
    const agent = await addMember({ workspace: owner.workspace, invitedBy: owner.user, role: "agent" });
    const res = await call(listRoute, `/api/workspaces/${owner.workspace.slug}/members`, { as: agent.user, params: { slug: owner.workspace.slug } });
    expect(res.status).toBe(200);
    const { members } = await readJson(res);
    expect(members).toEqual([
      expect.objectContaining({ role: "owner", user: { id: owner.user.id, name: owner.user.name, email: owner.user.email } }),
      expect.objectContaining({ id: agent.membershipId, role: "agent", user: expect.objectContaining({ id: agent.user.id }) }),
    ]);
    expect(JSON.stringify(members)).not.toMatch(/passwordHash|scrypt/);
  });

  it("lets the owner change a member's role", async () => {
    const owner = await createAccount();
    const agent = await addMember({ workspace: owner.workspace, invitedBy: owner.user, role: "agent" });
    const res = await changeRole(owner, agent.membershipId, "marketer");
    expect(res.status).toBe(200);
    expect((await readJson(res)).member).toMatchObject({ id: agent.membershipId, role: "marketer", user: { id: agent.user.id } });
    expect(await roleOf(agent.membershipId)).toBe("marketer");
  });

  it("answers 422 for an unknown role and changes nothing", async () => {
    const owner = await createAccount();
    const agent = await addMember({ workspace: owner.workspace, invitedBy: owner.user, role: "agent" });
    const res = await changeRole(owner, agent.membershipId, "god");
    expect(res.status).toBe(422);
    expect((await readJson(res)).error.field).toBe("role");
    expect(await roleOf(agent.membershipId)).toBe("agent");
  });

  it.each(["admin", "agent", "marketer"] as const)("answers 403 when an %s tries to change a role or remove a member", async (role) => {
    const owner = await createAccount();
    const caller = await addMember({ workspace: owner.workspace, invitedBy: owner.user, role });
    const target = await addMember({ workspace: owner.workspace, invitedBy: owner.user, role: "agent", label: "target" });
    expect((await changeRole(owner, target.membershipId, "admin", caller.user)).status).toBe(403);
    expect((await changeRole(owner, caller.membershipId, "owner", caller.user)).status).toBe(403);
    expect((await removeMember(owner, target.membershipId, caller.user)).status).toBe(403);
    expect((await removeMember(owner, await ownerMembershipId(owner), caller.user)).status).toBe(403);
    expect(await roleOf(target.membershipId)).toBe("agent");
    expect(await roleOf(caller.membershipId)).toBe(role);
    expect(await roleOf(await ownerMembershipId(owner))).toBe("owner");
  });

  it("answers 409 when the last owner would be demoted or removed, and changes nothing", async () => {
    const owner = await createAccount();
    const ownerId = await ownerMembershipId(owner);
    const demote = await changeRole(owner, ownerId, "admin");
    expect(demote.status).toBe(409);
    expect((await readJson(demote)).error.code).toBe("conflict");
    const remove = await removeMember(owner, ownerId);
    expect(remove.status).toBe(409);
    expect(await roleOf(ownerId)).toBe("owner");
    // Keeping the owner role is not a demotion.
    expect((await changeRole(owner, ownerId, "owner")).status).toBe(200);
  });

  it("lets an owner step down once there is another owner", async () => {
    const owner = await createAccount();
    const second = await addMember({ workspace: owner.workspace, invitedBy: owner.user, role: "owner", label: "co-owner" });
    const ownerId = await ownerMembershipId(owner);
    expect((await changeRole(owner, ownerId, "admin")).status).toBe(200);
    expect(await roleOf(ownerId)).toBe("admin");
    // Now the co-owner is the last owner.
    expect((await changeRole(owner, second.membershipId, "agent", second.user)).status).toBe(409);
    expect(await roleOf(second.membershipId)).toBe("owner");
  });

  it("keeps one owner when both owners step down at the same time", async () => {
    const owner = await createAccount();
    const second = await addMember({ workspace: owner.workspace, invitedBy: owner.user, role: "owner", label: "co-owner" });
    const ownerId = await ownerMembershipId(owner);
    // Each demotes themselves, so both pass the role check; only the locked owner count decides.
    const results = await Promise.all([changeRole(owner, ownerId, "admin"), changeRole(owner, second.membershipId, "admin", second.user)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await prisma.membership.count({ where: { workspaceId: owner.workspace.id, role: "owner" } })).toBe(1);
  });

  it("keeps one owner when the two owners remove each other at the same time", async () => {
    const owner = await createAccount();
    const second = await addMember({ workspace: owner.workspace, invitedBy: owner.user, role: "owner", label: "co-owner" });
    const ownerId = await ownerMembershipId(owner);
    const results = await Promise.all([removeMember(owner, second.membershipId), removeMember(owner, ownerId, second.user)]);
    const [winner, loser] = results.map((r) => r.status).sort();
    expect(winner).toBe(204);
    // The loser is refused by the last-owner check (409) or, when the winner already removed
    // them, by the membership check (403): either way one owner remains.
    expect([403, 409]).toContain(loser);
    expect(await prisma.membership.count({ where: { workspaceId: owner.workspace.id, role: "owner" } })).toBe(1);
  });

  it("removes a member, who then gets 403 on that workspace", async () => {
    const owner = await createAccount();
    const agent = await addMember({ workspace: owner.workspace, invitedBy: owner.user, role: "agent" });
    const path = `/api/workspaces/${owner.workspace.slug}`;
    expect((await call(workspaceRoute, path, { as: agent.user, params: { slug: owner.workspace.slug } })).status).toBe(200);
    const res = await removeMember(owner, agent.membershipId);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    expect(await prisma.membership.findUnique({ where: { id: agent.membershipId } })).toBeNull();
    // The user account and their own workspace stay.
    expect(await prisma.user.findUnique({ where: { id: agent.user.id } })).not.toBeNull();
    const after = await call(workspaceRoute, path, { as: agent.user, params: { slug: owner.workspace.slug } });
    expect(after.status).toBe(403);
    const members = await call(listRoute, `${path}/members`, { as: agent.user, params: { slug: owner.workspace.slug } });
    expect(members.status).toBe(403);
    expect((await call(workspaceRoute, `/api/workspaces/${agent.ownWorkspace.slug}`, { as: agent.user, params: { slug: agent.ownWorkspace.slug } })).status).toBe(200);
  });

  it("answers 404 for a member id that does not exist", async () => {
    const owner = await createAccount();
    expect((await changeRole(owner, "no-such-member", "admin")).status).toBe(404);
    expect((await removeMember(owner, "no-such-member")).status).toBe(404);
  });
});
