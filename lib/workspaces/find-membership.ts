import "server-only";
import { cache } from "react";
import { prisma } from "@/lib/db/client";

export type FindMembershipOptions = { userId: string; slug: string };

/** The user's role in the workspace with this slug, with the workspace; null when not a member. */
export async function findMembershipBySlug({ userId, slug }: FindMembershipOptions) {
  return findCached(userId, slug);
}

// React's cache keys on argument identity, so it gets the two strings, not the options object:
// a layout and its page then share one query per request.
const findCached = cache(async (userId: string, slug: string) =>
  prisma.membership.findFirst({
    where: { userId, workspace: { slug } },
    select: { role: true, workspace: { select: { id: true, slug: true, name: true } } },
  }),
);
