import "server-only";
import { z } from "zod";
import { prisma } from "@/lib/db/client";
import { getConversationOrThrow } from "./get-conversation-or-throw";
import { withAuthors, type ConversationNote } from "./list-notes";

export const createNoteSchema = z
  .object({ body: z.string().trim().min(1, "is required").max(5000, "must be at most 5000 characters") })
  .strict();

export type CreateNoteOptions = {
  workspaceId: string;
  conversationId: string;
  /** The signed-in author; null for API keys. */
  authorId: string | null;
  input: z.infer<typeof createNoteSchema>;
};

/** Adds an internal note (never sent to the customer). Throws not_found for another workspace's conversation. */
export async function createNote({ workspaceId, conversationId, authorId, input }: CreateNoteOptions): Promise<{ note: ConversationNote }> {
  await getConversationOrThrow({ workspaceId, id: conversationId });
  const row = await prisma.conversationNote.create({
    data: { workspaceId, conversationId, authorId, body: input.body },
    select: { id: true, body: true, authorId: true, createdAt: true },
  });
  const [note] = await withAuthors([row]);
  return { note };
}
