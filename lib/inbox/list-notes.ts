import "server-only";
import { prisma } from "@/lib/db/client";
import { getConversationOrThrow } from "./get-conversation-or-throw";

/** The most recent notes a conversation returns; older ones are not listed. */
const MAX_NOTES = 200;

export type ConversationNote = { id: string; body: string; author: { id: string; name: string } | null; createdAt: Date };

export type ListNotesOptions = { workspaceId: string; conversationId: string };

/**
 * A conversation's internal notes, oldest first (the latest MAX_NOTES). `author` is null for
 * notes written with an API key or by a deleted user. Throws not_found for another workspace's conversation.
 */
export async function listNotes({ workspaceId, conversationId }: ListNotesOptions): Promise<{ notes: ConversationNote[] }> {
  await getConversationOrThrow({ workspaceId, id: conversationId });
  const rows = await prisma.conversationNote.findMany({
    where: { conversationId, workspaceId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: MAX_NOTES,
    select: { id: true, body: true, authorId: true, createdAt: true },
  });
  return { notes: await withAuthors(rows.reverse()) };
}

type NoteRow = { id: string; body: string; authorId: string | null; createdAt: Date };

/** Names the authors (ConversationNote.authorId has no relation: a note outlives its author). */
export async function withAuthors(rows: NoteRow[]): Promise<ConversationNote[]> {
  const authorIds = [...new Set(rows.flatMap((row) => (row.authorId ? [row.authorId] : [])))];
  const users = authorIds.length ? await prisma.user.findMany({ where: { id: { in: authorIds } }, select: { id: true, name: true } }) : [];
  const byId = new Map(users.map((user) => [user.id, user]));
  return rows.map(({ authorId, ...note }) => ({ ...note, author: (authorId && byId.get(authorId)) || null }));
}
