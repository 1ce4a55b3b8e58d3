import "server-only";
import { prisma } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { decryptJson, decryptSecret, maskSecret } from "@/lib/crypto/secrets";

/**
 * Debug views are for operators chasing a problem. They reveal ids and masked tokens, so they
 * are off in production unless DEBUG_ENDPOINTS=1; the caller must also be an owner or admin.
 */
export function assertDebugEnabled(): void {
  if (process.env.NODE_ENV === "production" && process.env.DEBUG_ENDPOINTS !== "1") {
    throw new AppError({ code: "not_found", message: "Debug views are disabled (set DEBUG_ENDPOINTS=1 to enable them)" });
  }
}

/** Last messages, connected channels/pages/accounts and tokens (masked, with expiry) of a workspace. */
export async function getDebugOverview(workspaceId: string) {
  assertDebugEnabled();
  const [channels, pages, userTokens, messages, webhookEvents] = await Promise.all([
    prisma.channel.findMany({
      where: { workspaceId },
      orderBy: { createdAt: "asc" },
      select: {
        id: true, type: true, name: true, status: true, statusReason: true, externalId: true, tokenExpiresAt: true,
        subscriptionCheckedAt: true, credentialsEncrypted: true,
        instagramAccount: { select: { igAccountId: true, username: true, page: { select: { pageId: true, name: true } } } },
      },
    }),
    prisma.metaPage.findMany({ where: { workspaceId }, select: { pageId: true, name: true, subscribedAt: true } }),
    prisma.metaUserToken.findMany({ where: { workspaceId }, select: { metaUserId: true, name: true, tokenEncrypted: true, expiresAt: true, scopes: true } }),
    prisma.message.findMany({
      where: { workspaceId },
      orderBy: { createdAt: "desc" },
      take: 20,
      select: { id: true, direction: true, contentType: true, status: true, errorCode: true, externalId: true, createdAt: true, channel: { select: { name: true } } },
    }),
    prisma.webhookEvent.findMany({
      where: { workspaceId },
      orderBy: { receivedAt: "desc" },
      take: 10,
      select: { id: true, provider: true, status: true, receivedAt: true, lastError: true },
    }),
  ]);
  return {
    channels: channels.map(({ credentialsEncrypted, ...channel }) => ({ ...channel, credentials: maskCredentials(credentialsEncrypted) })),
    pages,
    userTokens: userTokens.map(({ tokenEncrypted, ...token }) => ({ ...token, token: maskOrUnreadable(() => decryptSecret(tokenEncrypted)) })),
    messages,
    webhookEvents,
  };
}

/** Every string credential as `EAAG…f3k`; nothing usable ever leaves this function. */
function maskCredentials(encrypted: string | null): Record<string, string> | null {
  if (!encrypted) return null;
  try {
    const value = decryptJson(encrypted);
    if (typeof value !== "object" || value === null) return { value: "unreadable" };
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, typeof v === "string" ? maskSecret(v) : "…"]));
  } catch {
    return { value: "unreadable with the configured keys" };
  }
}

function maskOrUnreadable(read: () => string): string {
  try {
    return maskSecret(read());
  } catch {
    return "unreadable with the configured keys";
  }
}
