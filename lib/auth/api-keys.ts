import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { prisma } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import type { RoleName } from "./schemas";

const KEY_PREFIX = "sb_live_";

export type CreateApiKeyOptions = { workspaceId: string; name: string; role: Exclude<RoleName, "owner">; createdById: string };

/** Creates a key and returns it in clear exactly once; only its SHA-256 is stored. */
export async function createApiKey({ workspaceId, name, role, createdById }: CreateApiKeyOptions) {
  const key = KEY_PREFIX + randomBytes(32).toString("base64url");
  const record = await prisma.apiKey.create({
    data: { workspaceId, name, role, createdById, prefix: key.slice(0, KEY_PREFIX.length + 6), keyHash: hashApiKey(key) },
    select: { id: true, name: true, role: true, prefix: true, createdAt: true },
  });
  return { ...record, key };
}

export async function listApiKeys(workspaceId: string) {
  return prisma.apiKey.findMany({
    where: { workspaceId },
    orderBy: { createdAt: "desc" },
    select: { id: true, name: true, role: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true },
  });
}

export type RevokeApiKeyOptions = { workspaceId: string; id: string };

/** Revokes a key of this workspace; idempotent. Throws not_found for another workspace's key. */
export async function revokeApiKey({ workspaceId, id }: RevokeApiKeyOptions) {
  const existing = await prisma.apiKey.findFirst({ where: { id, workspaceId }, select: { id: true, revokedAt: true } });
  if (!existing) throw new AppError({ code: "not_found", message: "API key not found" });
  if (existing.revokedAt) return;
  await prisma.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
}

export type ApiKeyPrincipal = { apiKeyId: string; workspaceId: string; role: RoleName };

/**
 * Resolves a Bearer key to its workspace and role. Throws unauthorized for an unknown or
 * revoked key. The lookup is by hash, so no timing comparison of the key itself happens.
 */
export async function authenticateApiKey(key: string): Promise<ApiKeyPrincipal> {
  if (!hasApiKeyFormat(key)) throw new AppError({ code: "unauthorized", message: "Invalid API key" });
  const record = await prisma.apiKey.findUnique({
    where: { keyHash: hashApiKey(key) },
    select: { id: true, workspaceId: true, role: true, revokedAt: true, lastUsedAt: true },
  });
  if (!record) throw new AppError({ code: "unauthorized", message: "Invalid API key" });
  if (record.revokedAt) throw new AppError({ code: "unauthorized", message: "This API key has been revoked" });
  await touchApiKey({ id: record.id, lastUsedAt: record.lastUsedAt });
  return { apiKeyId: record.id, workspaceId: record.workspaceId, role: record.role };
}

/** Whether a string can be an API key at all (checked before any lookup). */
export function hasApiKeyFormat(key: string): boolean {
  return key.startsWith(KEY_PREFIX);
}

export type TouchApiKeyOptions = { id: string; lastUsedAt: Date | null };

/** Records a use of the key: at most once a minute, to keep API traffic from writing on every call. */
export async function touchApiKey({ id, lastUsedAt }: TouchApiKeyOptions): Promise<void> {
  if (lastUsedAt && Date.now() - lastUsedAt.getTime() <= 60_000) return;
  await prisma.apiKey.update({ where: { id }, data: { lastUsedAt: new Date() } });
}

/** The stored form of a key (keys are looked up by it). */
export function hashApiKey(key: string) {
  return createHash("sha256").update(key).digest("hex");
}
