import { randomBytes } from "node:crypto";
import { afterAll, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { decryptJson, decryptSecret, encryptSecret, needsReencryption } from "@/lib/crypto/secrets";
import { reencryptAllSecrets } from "@/lib/crypto/reencrypt-all";
import { createAccount } from "@/tests/helpers/factories";
import { createWhatsAppChannel } from "@/tests/helpers/channels";

const originalKey = process.env.ENCRYPTION_KEY!;
afterAll(() => {
  process.env.ENCRYPTION_KEY = originalKey;
  delete process.env.ENCRYPTION_KEY_PREVIOUS;
});

it("re-encrypts every stored secret with the new key, keeping the values", async () => {
  const { workspace, user } = await createAccount();
  const channel = await createWhatsAppChannel({ workspaceId: workspace.id });
  const token = await prisma.metaUserToken.create({
    data: { workspaceId: workspace.id, metaUserId: "meta-rotation", tokenEncrypted: encryptSecret("EAAUserRotate"), createdById: user.id },
  });

  process.env.ENCRYPTION_KEY_PREVIOUS = originalKey;
  process.env.ENCRYPTION_KEY = randomBytes(32).toString("base64");
  const summary = await reencryptAllSecrets({ workspaceId: workspace.id });
  expect(summary).toEqual({ channels: 1, userTokens: 1, unchanged: 0 });

  delete process.env.ENCRYPTION_KEY_PREVIOUS; // the old key is gone: everything must still read
  const storedChannel = await prisma.channel.findUniqueOrThrow({ where: { id: channel.id }, select: { credentialsEncrypted: true } });
  const storedToken = await prisma.metaUserToken.findUniqueOrThrow({ where: { id: token.id } });
  expect(needsReencryption(storedChannel.credentialsEncrypted!)).toBe(false);
  expect(decryptJson(storedChannel.credentialsEncrypted!)).toEqual(channel.credentials);
  expect(decryptSecret(storedToken.tokenEncrypted)).toBe("EAAUserRotate");
  expect(await reencryptAllSecrets({ workspaceId: workspace.id })).toEqual({ channels: 0, userTokens: 0, unchanged: 2 });
});
