import "server-only";
import { prisma } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import type { RoleName } from "@/lib/auth/schemas";

export async function listMembers(workspaceId: string) {
  return prisma.membership.findMany({
    where: { workspaceId },
    orderBy: { createdAt: "asc" },
    select: { id: true, role: true, createdAt: true, user: { select: { id: true, name: true, email: true } } },
  });
}

export type ChangeMemberRoleOptions = { workspaceId: string; membershipId: string; role: RoleName };

/** Changes a member's role. Throws conflict when it would leave the workspace without an owner. */
export async function changeMemberRole({ workspaceId, membershipId, role }: ChangeMemberRoleOptions) {
  return prisma.$transaction(async (tx) => {
    const member = await tx.membership.findFirst({ where: { id: membershipId, workspaceId }, select: { id: true, role: true } });
    if (!member) throw new AppError({ code: "not_found", message: "Member not found" });
    if (member.role === "owner" && role !== "owner") await assertAnotherOwner(tx, workspaceId, membershipId);
    return tx.membership.update({
      where: { id: membershipId },
      data: { role },
      select: { id: true, role: true, user: { select: { id: true, name: true, email: true } } },
    });
  });
}

export type RemoveMemberOptions = { workspaceId: string; membershipId: string };

/** Removes a member. Throws conflict for the last owner. */
export async function removeMember({ workspaceId, membershipId }: RemoveMemberOptions) {
  await prisma.$transaction(async (tx) => {
    const member = await tx.membership.findFirst({ where: { id: membershipId, workspaceId }, select: { id: true, role: true } });
    if (!member) throw new AppError({ code: "not_found", message: "Member not found" });
    if (member.role === "owner") await assertAnotherOwner(tx, workspaceId, membershipId);
    await tx.membership.delete({ where: { id: membershipId } });
  });
}

type Tx = Parameters<Parameters<typeof prisma.$transaction>[0]>[0];

async function assertAnotherOwner(tx: Tx, workspaceId: string, exceptMembershipId: string) {
  // Lock the owner rows so two concurrent demotions cannot both pass this check.
  const owners = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM "Membership" WHERE "workspaceId" = ${workspaceId} AND role = 'owner' FOR UPDATE`;
  if (!owners.some((owner) => owner.id !== exceptMembershipId)) {
    throw new AppError({ code: "conflict", message: "A workspace needs at least one owner; make someone else owner first" });
  }
}

export async function listUserWorkspaces(userId: string) {
  const memberships = await prisma.membership.findMany({
    where: { userId },
    orderBy: { createdAt: "asc" },
    select: { role: true, workspace: { select: { id: true, name: true, slug: true } } },
  });
  return memberships.map((m) => ({ ...m.workspace, role: m.role }));
}
