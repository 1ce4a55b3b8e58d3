import "server-only";
import { createHash } from "node:crypto";
import { SignJWT, jwtVerify, errors as joseErrors } from "jose";
import { prisma, type TransactionClient } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import type { RoleName } from "@/lib/auth/schemas";
import type { SessionUser } from "@/lib/auth/session";

const AUDIENCE = "switchboard:invitation";

function invitationKey() {
  const secret = process.env.NEXTAUTH_SECRET;
  if (!secret) throw new Error("NEXTAUTH_SECRET is not set");
  // A key of its own, derived from the app secret, so an invitation token can never be
  // replayed as any other kind of token.
  return createHash("sha256").update(`${secret}:${AUDIENCE}`).digest();
}

function ttlHours() {
  const value = Number(process.env.INVITE_TTL_HOURS ?? 72);
  return Number.isFinite(value) && value > 0 ? value : 72;
}

export type CreateInvitationOptions = { workspaceId: string; role: RoleName; email?: string; createdById: string };

/** Creates a single-use invitation and returns it with its signed token (for the link). */
export async function createInvitation({ workspaceId, role, email, createdById }: CreateInvitationOptions) {
  const expiresAt = new Date(Date.now() + ttlHours() * 3600_000);
  const invitation = await prisma.invitation.create({
    data: { workspaceId, role, email, createdById, expiresAt },
    select: { id: true, role: true, email: true, expiresAt: true, createdAt: true },
  });
  const token = await new SignJWT({ inv: invitation.id })
    .setProtectedHeader({ alg: "HS256" })
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(invitationKey());
  return { ...invitation, token };
}

export async function listInvitations(workspaceId: string) {
  return prisma.invitation.findMany({
    where: { workspaceId, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
    orderBy: { createdAt: "desc" },
    select: { id: true, role: true, email: true, expiresAt: true, createdAt: true },
  });
}

export async function revokeInvitation({ workspaceId, id }: { workspaceId: string; id: string }) {
  const { count } = await prisma.invitation.updateMany({
    where: { id, workspaceId, acceptedAt: null, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (count === 0) throw new AppError({ code: "not_found", message: "Invitation not found or already used" });
}

/** Checks the signature and expiry of a token. Throws AppError with a message for the user. */
export async function verifyInvitationToken(token: string): Promise<{ invitationId: string }> {
  try {
    const { payload } = await jwtVerify(token, invitationKey(), { audience: AUDIENCE, algorithms: ["HS256"] });
    if (typeof payload.inv !== "string") throw new Error("no invitation id");
    return { invitationId: payload.inv };
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) {
      throw new AppError({ code: "unprocessable", message: "This invitation has expired; ask for a new one" });
    }
    throw new AppError({ code: "unprocessable", message: "This invitation link is not valid" });
  }
}

/** What the invitation page shows before the user accepts. */
export async function describeInvitation(token: string) {
  const { invitationId } = await verifyInvitationToken(token);
  const invitation = await prisma.invitation.findUnique({
    where: { id: invitationId },
    select: { role: true, email: true, expiresAt: true, acceptedAt: true, revokedAt: true, workspace: { select: { name: true } } },
  });
  assertUsable(invitation);
  return { workspaceName: invitation!.workspace.name, role: invitation!.role, email: invitation!.email };
}

export type AcceptInvitationOptions = { token: string; user: SessionUser };

export async function acceptInvitation({ token, user }: AcceptInvitationOptions) {
  const { invitationId } = await verifyInvitationToken(token);
  return prisma.$transaction((tx) => acceptInvitationInTransaction({ tx, invitationId, user }));
}

type AcceptInTransactionOptions = { tx: TransactionClient; invitationId: string; user: Pick<SessionUser, "id" | "email"> };

/**
 * Marks the invitation used and adds the membership. The conditional update makes it single
 * use even when two requests race: only one of them sees count 1.
 */
export async function acceptInvitationInTransaction({ tx, invitationId, user }: AcceptInTransactionOptions) {
  const invitation = await tx.invitation.findUnique({
    where: { id: invitationId },
    select: { workspaceId: true, role: true, email: true, expiresAt: true, acceptedAt: true, revokedAt: true },
  });
  assertUsable(invitation);
  if (invitation!.email && invitation!.email !== user.email) {
    throw new AppError({ code: "forbidden", message: `This invitation is for ${invitation!.email}; sign in with that address` });
  }
  const existing = await tx.membership.findUnique({
    where: { workspaceId_userId: { workspaceId: invitation!.workspaceId, userId: user.id } },
    select: { id: true },
  });
  if (existing) throw new AppError({ code: "conflict", message: "You are already a member of this workspace" });
  const { count } = await tx.invitation.updateMany({
    where: { id: invitationId, acceptedAt: null, revokedAt: null },
    data: { acceptedAt: new Date(), acceptedById: user.id },
  });
  if (count !== 1) throw new AppError({ code: "conflict", message: "This invitation has already been used" });
  await tx.membership.create({ data: { workspaceId: invitation!.workspaceId, userId: user.id, role: invitation!.role } });
  return tx.workspace.findUniqueOrThrow({ where: { id: invitation!.workspaceId }, select: { id: true, name: true, slug: true } });
}

type InvitationState = { expiresAt: Date; acceptedAt: Date | null; revokedAt: Date | null } | null;

function assertUsable(invitation: InvitationState) {
  if (!invitation) throw new AppError({ code: "not_found", message: "This invitation no longer exists" });
  if (invitation.acceptedAt) throw new AppError({ code: "conflict", message: "This invitation has already been used" });
  if (invitation.revokedAt) throw new AppError({ code: "unprocessable", message: "This invitation was revoked" });
  if (invitation.expiresAt.getTime() <= Date.now()) {
    throw new AppError({ code: "unprocessable", message: "This invitation has expired; ask for a new one" });
  }
}
