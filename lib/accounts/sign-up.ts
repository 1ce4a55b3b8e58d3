import "server-only";
import { prisma } from "@/lib/db/client";
import { hashPassword } from "@/lib/auth/password";
import { AppError } from "@/lib/http/errors";
import type { SignUpInput } from "@/lib/auth/schemas";
import { createWorkspace } from "@/lib/workspaces/create-workspace";
import { acceptInvitationInTransaction, verifyInvitationToken } from "@/lib/workspaces/invitations";

/**
 * Creates a user and either a new workspace they own or their membership from an invitation,
 * all in one transaction: a taken email or a bad invitation writes nothing.
 */
export async function signUp(input: SignUpInput) {
  const passwordHash = await hashPassword(input.password);
  const invitation = input.inviteToken ? await verifyInvitationToken(input.inviteToken) : null;
  return prisma.$transaction(async (tx) => {
    const existing = await tx.user.findUnique({ where: { email: input.email }, select: { id: true } });
    if (existing) {
      throw new AppError({ code: "conflict", message: "An account with this email already exists; sign in instead", field: "email" });
    }
    const user = await tx.user.create({
      data: { email: input.email, name: input.name, passwordHash },
      select: { id: true, email: true, name: true },
    });
    const workspace = invitation
      ? await acceptInvitationInTransaction({ tx, invitationId: invitation.invitationId, user })
      : await createWorkspace({ tx, name: input.workspaceName!, ownerId: user.id });
    return { user, workspace };
  });
}
