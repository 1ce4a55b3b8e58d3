import "server-only";
import { prisma } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import type { CreateSavedReplyInput, UpdateSavedReplyInput } from "./schemas";

const savedReplySelect = { id: true, shortcut: true, body: true } as const;

export type SavedReply = { id: string; shortcut: string; body: string };

/** The workspace's saved replies, by shortcut. */
export async function listSavedReplies(workspaceId: string): Promise<SavedReply[]> {
  return prisma.savedReply.findMany({ where: { workspaceId }, orderBy: { shortcut: "asc" }, select: savedReplySelect });
}

export type CreateSavedReplyOptions = { workspaceId: string; userId: string | null; input: CreateSavedReplyInput };

/** Creates a saved reply. Throws AppError 409 when the shortcut is taken in this workspace. */
export async function createSavedReply({ workspaceId, userId, input }: CreateSavedReplyOptions): Promise<SavedReply> {
  return withShortcutConflict(input.shortcut, () =>
    prisma.savedReply.create({ data: { workspaceId, createdById: userId, shortcut: input.shortcut, body: input.body }, select: savedReplySelect }),
  );
}

export type UpdateSavedReplyOptions = { workspaceId: string; id: string; input: UpdateSavedReplyInput };

/** Changes a saved reply. Throws AppError 404 (not in this workspace) or 409 (shortcut taken). */
export async function updateSavedReply({ workspaceId, id, input }: UpdateSavedReplyOptions): Promise<SavedReply> {
  return withShortcutConflict(input.shortcut, async () => {
    // updateMany scopes the write by workspace in the same statement as the id.
    const { count } = await prisma.savedReply.updateMany({ where: { id, workspaceId }, data: input });
    if (count === 0) throw notFound();
    return prisma.savedReply.findUniqueOrThrow({ where: { id }, select: savedReplySelect });
  });
}

export type DeleteSavedReplyOptions = { workspaceId: string; id: string };

/** Deletes a saved reply. Throws AppError 404 when the workspace has no such reply. */
export async function deleteSavedReply({ workspaceId, id }: DeleteSavedReplyOptions): Promise<void> {
  const { count } = await prisma.savedReply.deleteMany({ where: { id, workspaceId } });
  if (count === 0) throw notFound();
}

async function withShortcutConflict<T>(shortcut: string | undefined, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    // The unique (workspaceId, shortcut) index decides races; name the shortcut in the answer.
    if (typeof error === "object" && error !== null && "code" in error && error.code === "P2002") {
      throw new AppError({ code: "conflict", message: `The shortcut /${shortcut ?? ""} is already used by another saved reply`, field: "shortcut" });
    }
    throw error;
  }
}

function notFound() {
  return new AppError({ code: "not_found", message: "Saved reply not found" });
}
