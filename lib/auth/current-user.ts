import "server-only";
import { cache } from "react";
import { cookies } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { getToken } from "next-auth/jwt";
import { prisma } from "@/lib/db/client";
import type { SessionUser } from "./session";
import { findMembershipBySlug } from "@/lib/workspaces/find-membership";

/**
 * The signed-in user of the current request (server components, layouts, server actions),
 * or null. Reads the next-auth JWT cookie and loads the user row, so a deleted account is
 * signed out at once. Cached per request: a layout and its page share one lookup.
 */
export const getCurrentUser = cache(async (): Promise<SessionUser | null> => {
  const cookieStore = await cookies();
  // getToken accepts anything with getAll(); the request's headers are not consulted, so a
  // Bearer header can never stand in for a session here.
  const token = await getToken({ req: { cookies: cookieStore, headers: {} } as never, secret: process.env.NEXTAUTH_SECRET });
  if (!token?.sub) return null;
  return prisma.user.findUnique({ where: { id: token.sub }, select: { id: true, email: true, name: true } });
});

/** The signed-in user, or a redirect to /login that comes back to `returnTo` afterwards. */
export async function requireUser(returnTo = "/"): Promise<SessionUser> {
  const user = await getCurrentUser();
  if (!user) redirect(`/login?callbackUrl=${encodeURIComponent(returnTo)}`);
  return user;
}

/**
 * The signed-in user's membership of the workspace with this slug. Redirects to /login when
 * nobody is signed in; answers 404 (notFound) when the workspace does not exist or the user
 * is not a member, so nothing leaks about other tenants.
 */
export async function requireWorkspaceMember(slug: string) {
  const user = await requireUser(`/${encodeURIComponent(slug)}`);
  const membership = await findMembershipBySlug({ userId: user.id, slug });
  if (!membership) notFound();
  return { user, workspace: membership.workspace, role: membership.role };
}
