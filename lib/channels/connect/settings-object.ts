import type { Prisma } from "@/lib/generated/prisma/client";

/** Channel.settings as an object to merge into (anything else — null, an array — reads as {}). */
export function readSettings(value: unknown): Prisma.InputJsonObject {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Prisma.InputJsonObject) : {};
}
