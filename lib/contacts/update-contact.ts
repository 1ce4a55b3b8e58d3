import "server-only";
import { prisma } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/http/errors";
import { contactSelect } from "./get-contact";
import { MAX_ATTRIBUTES, type UpdateContactInput } from "./schemas";

export type UpdateContactOptions = { workspaceId: string; id: string; input: UpdateContactInput };

/**
 * Edits a contact: name, tags (the list is replaced), attributes (merged like a JSON merge
 * patch: a key set to null is removed, so two agents editing different keys keep both edits),
 * opt-out. `optedOutAt` records when the opt-out was first recorded; opting in again clears it.
 * The conversations of the contact are touched by a trigger, so inbox polls pick the change up.
 * Throws not_found for another workspace's contact, unprocessable when the merged attributes
 * would pass MAX_ATTRIBUTES keys.
 */
export async function updateContact({ workspaceId, id, input }: UpdateContactOptions) {
  return prisma.$transaction(async (tx) => {
    const [current] = await tx.$queryRaw<{ optedOut: boolean; attributes: Prisma.JsonValue }[]>`
      SELECT "optedOut", attributes FROM "Contact" WHERE id = ${id} AND "workspaceId" = ${workspaceId} FOR UPDATE`;
    if (!current) throw new AppError({ code: "not_found", message: "Contact not found" });
    const data: Prisma.ContactUpdateInput = {};
    if (input.displayName !== undefined) data.displayName = input.displayName;
    if (input.tags) data.tags = input.tags;
    if (input.attributes) data.attributes = mergeAttributes(current.attributes, input.attributes);
    if (input.optedOut !== undefined && input.optedOut !== current.optedOut) {
      data.optedOut = input.optedOut;
      data.optedOutAt = input.optedOut ? new Date() : null;
    }
    const contact = await tx.contact.update({ where: { id }, data, select: contactSelect });
    return { contact };
  });
}

function mergeAttributes(stored: Prisma.JsonValue, patch: Record<string, string | number | boolean | null>): Prisma.InputJsonObject {
  // Keys written elsewhere (flows, imports) are kept as they are; only the patched keys change.
  const merged: Record<string, Prisma.JsonValue | undefined> = stored && typeof stored === "object" && !Array.isArray(stored) ? { ...stored } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  if (Object.keys(merged).length > MAX_ATTRIBUTES) {
    throw new AppError({ code: "unprocessable", message: `attributes: at most ${MAX_ATTRIBUTES} attributes`, field: "attributes" });
  }
  return merged as Prisma.InputJsonObject;
}
