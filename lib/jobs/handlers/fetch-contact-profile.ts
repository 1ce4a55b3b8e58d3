import "server-only";
import { z } from "zod";
import { prisma } from "@/lib/db/client";
import { readCredentials } from "@/lib/channels/credentials";
import { fetchInstagramProfile } from "@/lib/channels/instagram/profile";
import { ProviderError } from "@/lib/channels/provider-error";
import { needsProfileRefresh } from "@/lib/inbox/ingest/profile-cache";

export const fetchContactProfilePayload = z.object({ contactId: z.string().min(1) });

/** Job: fetch an Instagram contact's profile (name, username, picture, followers) into the cache. */
export async function handleFetchContactProfile(data: unknown) {
  const { contactId } = fetchContactProfilePayload.parse(data);
  const contact = await prisma.contact.findUnique({
    where: { id: contactId },
    select: { id: true, externalId: true, profileFetchedAt: true, channel: { select: { type: true, credentialsEncrypted: true } } },
  });
  if (!contact || contact.channel.type !== "instagram" || !needsProfileRefresh(contact.profileFetchedAt)) return { skipped: true };
  const { igAccountId, pageAccessToken } = readCredentials("instagram", contact.channel.credentialsEncrypted);
  try {
    const profile = await fetchInstagramProfile({ credentials: { igAccountId, accessToken: pageAccessToken }, igsid: contact.externalId });
    await prisma.contact.update({
      where: { id: contact.id },
      data: {
        displayName: profile.name ?? undefined,
        username: profile.username ?? undefined,
        avatarUrl: profile.profilePic ?? undefined,
        profile: {
          followerCount: profile.followerCount ?? null,
          isVerified: profile.isVerified ?? null,
          isUserFollowBusiness: profile.isUserFollowBusiness ?? null,
          isBusinessFollowUser: profile.isBusinessFollowUser ?? null,
        },
        profileFetchedAt: new Date(),
      },
    });
    return { fetched: true };
  } catch (error) {
    // A user who blocked the business or deleted the account has no profile: remember the
    // attempt so it is not retried on every message; transient errors go back to the queue.
    if (error instanceof ProviderError && error.kind === "permanent") {
      await prisma.contact.update({ where: { id: contact.id }, data: { profileFetchedAt: new Date() } });
      return { unavailable: true };
    }
    throw error;
  }
}
