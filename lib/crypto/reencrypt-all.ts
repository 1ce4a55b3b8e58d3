import "server-only";
import { prisma } from "@/lib/db/client";
import { decryptSecret, encryptSecret, needsReencryption } from "./secrets";

export type ReencryptSummary = { channels: number; userTokens: number; unchanged: number };

/**
 * Key rotation, step 2 (step 1: set ENCRYPTION_KEY to the new key and ENCRYPTION_KEY_PREVIOUS
 * to the old one): re-encrypts every stored secret with the current key. Idempotent and safe
 * to re-run; afterwards ENCRYPTION_KEY_PREVIOUS can be removed.
 */
export type ReencryptAllSecretsOptions = { workspaceId?: string };

export async function reencryptAllSecrets({ workspaceId }: ReencryptAllSecretsOptions = {}): Promise<ReencryptSummary> {
  const summary: ReencryptSummary = { channels: 0, userTokens: 0, unchanged: 0 };
  const scope = workspaceId ? { workspaceId } : {};
  const channels = await prisma.channel.findMany({ where: { ...scope, credentialsEncrypted: { not: null } }, select: { id: true, credentialsEncrypted: true } });
  for (const channel of channels) {
    const value = channel.credentialsEncrypted!;
    if (!needsReencryption(value)) {
      summary.unchanged++;
      continue;
    }
    // Conditional update: a concurrent credential change is never overwritten with old data.
    const { count } = await prisma.channel.updateMany({
      where: { id: channel.id, credentialsEncrypted: value },
      data: { credentialsEncrypted: encryptSecret(decryptSecret(value)) },
    });
    summary.channels += count;
  }
  const tokens = await prisma.metaUserToken.findMany({ where: scope, select: { id: true, tokenEncrypted: true } });
  for (const token of tokens) {
    if (!needsReencryption(token.tokenEncrypted)) {
      summary.unchanged++;
      continue;
    }
    const { count } = await prisma.metaUserToken.updateMany({
      where: { id: token.id, tokenEncrypted: token.tokenEncrypted },
      data: { tokenEncrypted: encryptSecret(decryptSecret(token.tokenEncrypted)) },
    });
    summary.userTokens += count;
  }
  return summary;
}
