import { createHash } from "node:crypto";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { POST as acceptRoute } from "@/app/api/invitations/accept/route";
import { POST as signUpRoute } from "@/app/api/signup/route";
import { DELETE as revokeRoute } from "@/app/api/workspaces/[slug]/invitations/[id]/route";
import { GET as listRoute, POST as createRoute } from "@/app/api/workspaces/[slug]/invitations/route";
import { prisma } from "@/lib/db/client";
import { addMember, createAccount, snapshotWorkspace, TEST_PASSWORD, uniqueEmail, type TestAccount, type TestUser } from "../helpers/factories";
import { call, readJson } from "../helpers/http";

type CreatedInvitation = { id: string; role: string; email: string | null; token: string; url: string; expiresAt: string };

async function invite(owner: TestAccount, body: Record<string, unknown>, as: TestUser = owner.user) {
  return call(createRoute, `/api/workspaces/${owner.workspace.slug}/invitations`, {
    method: "POST",
    as,
    json: body,
    params: { slug: owner.workspace.slug },
  });
}

async function createInvite(owner: TestAccount, body: Record<string, unknown> = { role: "agent" }): Promise<CreatedInvitation> {
  const res = await invite(owner, body);
  expect(res.status).toBe(201);
  return (await readJson(res)).invitation;
}

function accept(token: string, as: TestUser) {
  return call(acceptRoute, "/api/invitations/accept", { method: "POST", as, json: { token } });
}

function membershipsOf(workspaceId: string) {
  return prisma.membership.findMany({ where: { workspaceId }, select: { userId: true, role: true } });
}

/** Signs an invitation token the way lib/workspaces/invitations.ts does, with chosen claims. */
async function signInvitationToken({ invitationId, expiresAt, secret = process.env.NEXTAUTH_SECRET!, audience = "switchboard:invitation" }: {
  invitationId: string;
  expiresAt: Date;
  secret?: string;
  audience?: string;
}) {
  const key = createHash("sha256").update(`${secret}:switchboard:invitation`).digest();
  return new SignJWT({ inv: invitationId })
    .setProtectedHeader({ alg: "HS256" })
    .setAudience(audience)
    .setIssuedAt(Math.floor(expiresAt.getTime() / 1000) - 3600)
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(key);
}

describe("invitations", () => {
  it("lets an owner create a link with a role and an optional email, stored for the workspace", async () => {
    const owner = await createAccount();
    const email = uniqueEmail("invitee");
    const res = await invite(owner, { role: "marketer", email: email.toUpperCase() });
    expect(res.status).toBe(201);
    const { invitation } = await readJson(res);
    expect(invitation).toMatchObject({ role: "marketer", email, token: expect.any(String) });
    expect(invitation.url).toBe(`http://localhost:3000/invite/${invitation.token}`);
    const expiresInHours = (new Date(invitation.expiresAt).getTime() - Date.now()) / 3600_000;
    expect(expiresInHours).toBeGreaterThan(71);
    expect(expiresInHours).toBeLessThanOrEqual(72);
    const stored = await prisma.invitation.findUniqueOrThrow({ where: { id: invitation.id } });
    expect(stored).toMatchObject({ workspaceId: owner.workspace.id, role: "marketer", email, createdById: owner.user.id, acceptedAt: null });

    const open = await createInvite(owner, { role: "agent" });
    expect(open.email).toBeNull();

    const list = await readJson(await call(listRoute, `/api/workspaces/${owner.workspace.slug}/invitations`, { as: owner.user, params: { slug: owner.workspace.slug } }));
    expect(list.invitations.map((i: { id: string }) => i.id).sort()).toEqual([invitation.id, open.id].sort());
    // The list is for managing invitations: it never hands out the links again.
    expect(JSON.stringify(list)).not.toContain(invitation.token);
  });

  it("answers 422 with the field for an unknown role", async () => {
    const owner = await createAccount();
    const res = await invite(owner, { role: "superuser" });
    expect(res.status).toBe(422);
    expect((await readJson(res)).error.field).toBe("role");
    expect(await prisma.invitation.count({ where: { workspaceId: owner.workspace.id } })).toBe(0);
  });

  it("adds a signed-in user who accepts as a member with the invited role", async () => {
    const owner = await createAccount();
    const invitation = await createInvite(owner, { role: "marketer" });
    const joiner = await createAccount({ label: "joiner" });
    const res = await accept(invitation.token, joiner.user);
    expect(res.status).toBe(200);
    expect((await readJson(res)).workspace).toEqual({ id: owner.workspace.id, name: owner.workspace.name, slug: owner.workspace.slug });
    expect(await membershipsOf(owner.workspace.id)).toEqual(
      expect.arrayContaining([{ userId: joiner.user.id, role: "marketer" }, { userId: owner.user.id, role: "owner" }]),
    );
    const stored = await prisma.invitation.findUniqueOrThrow({ where: { id: invitation.id } });
    expect(stored.acceptedById).toBe(joiner.user.id);
    expect(stored.acceptedAt).toBeInstanceOf(Date);
  });

  it("answers 409 for a reused link and adds no second membership", async () => {
    const owner = await createAccount();
    const invitation = await createInvite(owner);
    const first = await createAccount({ label: "first" });
    const second = await createAccount({ label: "second" });
    expect((await accept(invitation.token, first.user)).status).toBe(200);
    const again = await accept(invitation.token, second.user);
    expect(again.status).toBe(409);
    expect((await readJson(again)).error.code).toBe("conflict");
    const members = await membershipsOf(owner.workspace.id);
    expect(members).toHaveLength(2);
    expect(members.some((m) => m.userId === second.user.id)).toBe(false);
    // The first user using it again also changes nothing.
    expect((await accept(invitation.token, first.user)).status).toBe(409);
    expect(await membershipsOf(owner.workspace.id)).toHaveLength(2);
  });

  it("answers 409 and keeps the link usable when an existing member opens it", async () => {
    const owner = await createAccount();
    const invitation = await createInvite(owner);
    const res = await accept(invitation.token, owner.user);
    expect(res.status).toBe(409);
    expect((await prisma.invitation.findUniqueOrThrow({ where: { id: invitation.id } })).acceptedAt).toBeNull();
    expect(await membershipsOf(owner.workspace.id)).toEqual([{ userId: owner.user.id, role: "owner" }]);
  });

  it("answers 422 for an invitation whose expiry has passed in the database", async () => {
    const owner = await createAccount();
    const invitation = await createInvite(owner);
    await prisma.invitation.update({ where: { id: invitation.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const joiner = await createAccount({ label: "late" });
    const res = await accept(invitation.token, joiner.user);
    expect(res.status).toBe(422);
    expect((await readJson(res)).error.message).toMatch(/expired/);
    expect(await membershipsOf(owner.workspace.id)).toHaveLength(1);
  });

  it("answers 422 for a correctly signed token whose exp has passed", async () => {
    const owner = await createAccount();
    const invitation = await createInvite(owner);
    const expired = await signInvitationToken({ invitationId: invitation.id, expiresAt: new Date(Date.now() - 60_000) });
    const joiner = await createAccount({ label: "late" });
    const res = await accept(expired, joiner.user);
    expect(res.status).toBe(422);
    expect((await readJson(res)).error.message).toMatch(/expired/);
    expect(await membershipsOf(owner.workspace.id)).toHaveLength(1);
    expect((await prisma.invitation.findUniqueOrThrow({ where: { id: invitation.id } })).acceptedAt).toBeNull();
  });

  it("answers 422 for a revoked invitation", async () => {
    const owner = await createAccount();
    const invitation = await createInvite(owner);
    const revoke = await call(revokeRoute, `/api/workspaces/${owner.workspace.slug}/invitations/${invitation.id}`, {
      method: "DELETE",
      as: owner.user,
      params: { slug: owner.workspace.slug, id: invitation.id },
    });
    expect(revoke.status).toBe(204);
    expect((await prisma.invitation.findUniqueOrThrow({ where: { id: invitation.id } })).revokedAt).toBeInstanceOf(Date);
    const joiner = await createAccount({ label: "revoked" });
    const res = await accept(invitation.token, joiner.user);
    expect(res.status).toBe(422);
    expect((await readJson(res)).error.message).toMatch(/revoked/);
    expect(await membershipsOf(owner.workspace.id)).toHaveLength(1);
    // Revoking again, or revoking an unknown id, is a 404.
    const again = await call(revokeRoute, `/api/workspaces/${owner.workspace.slug}/invitations/${invitation.id}`, {
      method: "DELETE",
      as: owner.user,
      params: { slug: owner.workspace.slug, id: invitation.id },
    });
    expect(again.status).toBe(404);
  });

  it("answers 404 when revoking an invitation that was already accepted", async () => {
    const owner = await createAccount();
    const invitation = await createInvite(owner);
    const joiner = await createAccount({ label: "joiner" });
    expect((await accept(invitation.token, joiner.user)).status).toBe(200);
    const res = await call(revokeRoute, `/api/workspaces/${owner.workspace.slug}/invitations/${invitation.id}`, {
      method: "DELETE",
      as: owner.user,
      params: { slug: owner.workspace.slug, id: invitation.id },
    });
    expect(res.status).toBe(404);
    expect((await prisma.invitation.findUniqueOrThrow({ where: { id: invitation.id } })).revokedAt).toBeNull();
  });

  it("answers 422 for forged or tampered tokens and writes nothing", async () => {
    const owner = await createAccount();
    const invitation = await createInvite(owner, { role: "admin" });
    const [header, payload, signature] = invitation.token.split(".");
    const flipped = signature[0] === "A" ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    const otherPayload = Buffer.from(JSON.stringify({ inv: "someone-elses-invitation", aud: "switchboard:invitation", exp: 4102444800 })).toString("base64url");
    const unsignedHeader = Buffer.from(JSON.stringify({ alg: "none" })).toString("base64url");
    const forged = [
      `${header}.${payload}.${flipped}`,
      `${header}.${otherPayload}.${signature}`,
      `${unsignedHeader}.${payload}.`,
      await signInvitationToken({ invitationId: invitation.id, expiresAt: new Date(Date.now() + 3600_000), secret: "a-completely-different-secret-of-32-chars" }),
      await signInvitationToken({ invitationId: invitation.id, expiresAt: new Date(Date.now() + 3600_000), audience: "switchboard:oauth-state" }),
      "not-a-jwt-at-all-but-long-enough",
    ];
    const joiner = await createAccount({ label: "forger" });
    const before = await snapshotWorkspace(owner.workspace.id);
    for (const token of forged) {
      const res = await accept(token, joiner.user);
      expect(res.status, token).toBe(422);
      expect((await readJson(res)).error.message).toBe("This invitation link is not valid");
    }
    expect(await snapshotWorkspace(owner.workspace.id)).toEqual(before);
  });

  it("answers 403 when an email-bound invitation is accepted by another address, and accepts the right one", async () => {
    const owner = await createAccount();
    const intended = await createAccount({ label: "intended" });
    const invitation = await createInvite(owner, { role: "agent", email: intended.user.email });
    const stranger = await createAccount({ label: "stranger" });
    const res = await accept(invitation.token, stranger.user);
    expect(res.status).toBe(403);
    expect((await readJson(res)).error.message).toContain(intended.user.email);
    expect(await membershipsOf(owner.workspace.id)).toHaveLength(1);
    expect((await prisma.invitation.findUniqueOrThrow({ where: { id: invitation.id } })).acceptedAt).toBeNull();
    expect((await accept(invitation.token, intended.user)).status).toBe(200);
    expect(await membershipsOf(owner.workspace.id)).toContainEqual({ userId: intended.user.id, role: "agent" });
  });

  it("signs up from an invitation: creates the account and joins, without creating a workspace", async () => {
    const owner = await createAccount();
    const invitation = await createInvite(owner, { role: "agent" });
    const email = uniqueEmail("invited-signup");
    // A workspace name sent along is ignored: the invitation decides where the user lands.
    const ignoredName = `Ignored ${uniqueEmail("ws")}`;
    const res = await call(signUpRoute, "/api/signup", {
      method: "POST",
      json: { name: "Invited", email, password: TEST_PASSWORD, inviteToken: invitation.token, workspaceName: ignoredName },
    });
    expect(res.status).toBe(201);
    const body = await readJson(res);
    expect(body.workspace.id).toBe(owner.workspace.id);
    const user = await prisma.user.findUniqueOrThrow({ where: { email }, include: { memberships: true } });
    expect(user.memberships).toEqual([expect.objectContaining({ workspaceId: owner.workspace.id, role: "agent" })]);
    expect(await prisma.membership.count({ where: { userId: user.id, role: "owner" } })).toBe(0);
    expect(await prisma.workspace.count({ where: { name: ignoredName } })).toBe(0);
    expect((await prisma.invitation.findUniqueOrThrow({ where: { id: invitation.id } })).acceptedById).toBe(user.id);
  });

  it("writes no account when signing up with an invitation bound to another email or already used", async () => {
    const owner = await createAccount();
    const bound = await createInvite(owner, { role: "agent", email: uniqueEmail("bound") });
    const email = uniqueEmail("wrong-address");
    const res = await call(signUpRoute, "/api/signup", {
      method: "POST",
      json: { name: "Wrong", email, password: TEST_PASSWORD, inviteToken: bound.token },
    });
    expect(res.status).toBe(403);
    expect(await prisma.user.findUnique({ where: { email } })).toBeNull();

    const used = await createInvite(owner, { role: "agent" });
    expect((await accept(used.token, (await createAccount({ label: "first" })).user)).status).toBe(200);
    const late = uniqueEmail("late");
    const lateRes = await call(signUpRoute, "/api/signup", {
      method: "POST",
      json: { name: "Late", email: late, password: TEST_PASSWORD, inviteToken: used.token },
    });
    expect(lateRes.status).toBe(409);
    expect(await prisma.user.findUnique({ where: { email: late } })).toBeNull();

    const forgedRes = await call(signUpRoute, "/api/signup", {
      method: "POST",
      json: { name: "Forged", email: late, password: TEST_PASSWORD, inviteToken: `${used.token.slice(0, -2)}xx` },
    });
    expect(forgedRes.status).toBe(422);
    expect(await prisma.user.findUnique({ where: { email: late } })).toBeNull();
  });

  it.each(["agent", "marketer"] as const)("answers 403 when an %s tries to create or list invitations", async (role) => {
    const owner = await createAccount();
    const member = await addMember({ workspace: owner.workspace, invitedBy: owner.user, role });
    const before = await prisma.invitation.count({ where: { workspaceId: owner.workspace.id } });
    const res = await invite(owner, { role: "agent" }, member.user);
    expect(res.status).toBe(403);
    expect((await readJson(res)).error.code).toBe("forbidden");
    const list = await call(listRoute, `/api/workspaces/${owner.workspace.slug}/invitations`, { as: member.user, params: { slug: owner.workspace.slug } });
    expect(list.status).toBe(403);
    expect(await prisma.invitation.count({ where: { workspaceId: owner.workspace.id } })).toBe(before);
  });

  it("lets an admin invite agents but answers 403 when an admin invites an owner", async () => {
    const owner = await createAccount();
    const admin = await addMember({ workspace: owner.workspace, invitedBy: owner.user, role: "admin" });
    const before = await prisma.invitation.count({ where: { workspaceId: owner.workspace.id } });
    const res = await invite(owner, { role: "owner" }, admin.user);
    expect(res.status).toBe(403);
    expect((await readJson(res)).error).toMatchObject({ code: "forbidden", field: "role" });
    expect(await prisma.invitation.count({ where: { workspaceId: owner.workspace.id } })).toBe(before);
    expect((await invite(owner, { role: "agent" }, admin.user)).status).toBe(201);
    // An owner may invite another owner.
    expect((await invite(owner, { role: "owner" })).status).toBe(201);
  });

  it("adds exactly one member when two users accept one invitation at the same time", async () => {
    const owner = await createAccount();
    const invitation = await createInvite(owner, { role: "agent" });
    const [a, b] = await Promise.all([createAccount({ label: "racer-a" }), createAccount({ label: "racer-b" })]);
    const results = await Promise.all([accept(invitation.token, a.user), accept(invitation.token, b.user)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const members = await membershipsOf(owner.workspace.id);
    expect(members).toHaveLength(2);
    const stored = await prisma.invitation.findUniqueOrThrow({ where: { id: invitation.id } });
    const winner = results[0].status === 200 ? a : b;
    expect(stored.acceptedById).toBe(winner.user.id);
    expect(members).toContainEqual({ userId: winner.user.id, role: "agent" });
  });

  it("answers 401 when nobody is signed in to accept", async () => {
    const owner = await createAccount();
    const invitation = await createInvite(owner);
    const res = await call(acceptRoute, "/api/invitations/accept", { method: "POST", json: { token: invitation.token } });
    expect(res.status).toBe(401);
    expect((await prisma.invitation.findUniqueOrThrow({ where: { id: invitation.id } })).acceptedAt).toBeNull();
  });
});
