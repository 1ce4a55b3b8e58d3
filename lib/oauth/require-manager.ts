import "server-only";
import { prisma } from "@/lib/db/client";
import { getSessionUser, type SessionUser } from "@/lib/auth/session";
import type { RoleName } from "@/lib/auth/schemas";
import { AppError } from "@/lib/http/errors";

// Connecting a channel is for owners and admins, through a browser session only: the OAuth
// round trip binds the Facebook login to the person who started it, which an API key cannot be.

export const MANAGER_ROLES: readonly RoleName[] = ["owner", "admin"];

export type ManagerContext = { user: SessionUser; workspace: { id: string; slug: string; name: string }; role: RoleName };

/** The signed-in user; AppError unauthorized (401) when nobody is. */
export async function requireSessionUser(req: Request): Promise<SessionUser> {
  const user = await getSessionUser(req);
  if (!user) throw new AppError({ code: "unauthorized", message: "Sign in first" });
  return user;
}

export type FindManagerMembershipOptions = { userId: string } & ({ slug: string } | { workspaceId: string });

/**
 * The workspace and role when the user is an owner or admin of it. Throws AppError forbidden
 * (403) otherwise, with the same answer whether the workspace exists or not.
 */
export async function requireManagerMembership(options: FindManagerMembershipOptions): Promise<Omit<ManagerContext, "user">> {
  const workspaceWhere = "slug" in options ? { slug: options.slug } : { id: options.workspaceId };
  const membership = await prisma.membership.findFirst({
    where: { userId: options.userId, workspace: workspaceWhere },
    select: { role: true, workspace: { select: { id: true, slug: true, name: true } } },
  });
  if (!membership) throw new AppError({ code: "forbidden", message: "You do not have access to this workspace" });
  if (!MANAGER_ROLES.includes(membership.role)) throw new AppError({ code: "forbidden", message: "Only owners and admins can connect Instagram" });
  return { workspace: membership.workspace, role: membership.role };
}
