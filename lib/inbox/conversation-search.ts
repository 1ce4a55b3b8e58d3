import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";

// Inbox search: a conversation matches when its contact's name, username or phone contains the
// text (ILIKE, wildcards escaped), or when one of its messages contains every word of it as a
// word prefix (full-text on Message.searchVector, 'simple' config, GIN index).
//
// Two forms of the same condition, because no single plan is fast for every word: a common word
// ("order") matches 10% of a million messages, and reading all of them through the GIN index
// takes hundreds of milliseconds, while walking conversations newest first and checking each
// one's messages finds a page of matches at once; a rare word is the opposite (the walk would
// read every message of the workspace, the GIN index answers in a millisecond). The list walks
// a bounded window first (`perRow`) and falls back to `indexed` when the window was not enough.

/** Words beyond this are ignored: a search box, not a document query. */
const MAX_WORDS = 8;
const MAX_WORD_LENGTH = 50;

export type ConversationSearch = {
  /** Checks each row of `"Conversation" c` by itself (primary-key and per-conversation lookups). */
  perRow: Prisma.Sql;
  /** Finds the matching contacts and messages of the workspace once (hashed sub-plans, GIN). */
  indexed: Prisma.Sql;
};

export type ConversationSearchOptions = { workspaceId: string; q: string };

/** The search as SQL conditions on `"Conversation" c`, every sub-select scoped by workspace or row. */
export function conversationSearch({ workspaceId, q }: ConversationSearchOptions): ConversationSearch {
  const pattern = `%${escapeLike(q.replace(/^@/, ""))}%`;
  const contactMatches = [
    Prisma.sql`ct."displayName" ILIKE ${pattern}`,
    Prisma.sql`ct.username ILIKE ${pattern}`,
    Prisma.sql`ct.phone ILIKE ${pattern}`,
  ];
  // "+1 (555) 010-2030" finds "+15550102030": phone numbers are stored without punctuation.
  const digits = q.replace(/[\s()+.-]/g, "");
  if (/^\d{3,}$/.test(digits) && digits !== q) contactMatches.push(Prisma.sql`ct.phone LIKE ${`%${digits}%`}`);
  const contactMatch = Prisma.join(contactMatches, " OR ");
  const contactPerRow = Prisma.sql`EXISTS (SELECT 1 FROM "Contact" ct WHERE ct.id = c."contactId" AND (${contactMatch}))`;
  const contactIndexed = Prisma.sql`c."contactId" IN (SELECT ct.id FROM "Contact" ct WHERE ct."workspaceId" = ${workspaceId} AND (${contactMatch}))`;

  const tsquery = toPrefixTsquery(q);
  if (!tsquery) return { perRow: contactPerRow, indexed: contactIndexed };
  const query = Prisma.sql`to_tsquery('simple', ${tsquery})`;
  return {
    // Per row, the GIN index must stay out of it: the planner likes to AND it with the
    // conversation's messages, which re-reads every match of the database for each row. Hence a
    // scalar sub-select (an EXISTS may become one hashed read of every match) and ts_match_vq(),
    // the function behind @@, which no index serves.
    perRow: Prisma.sql`(${contactPerRow} OR COALESCE((SELECT true FROM "Message" m
      WHERE m."conversationId" = c.id AND m."deletedAt" IS NULL AND ts_match_vq(m."searchVector", ${query}) LIMIT 1), false))`,
    indexed: Prisma.sql`(${contactIndexed} OR c.id IN (SELECT m."conversationId" FROM "Message" m
      WHERE m."workspaceId" = ${workspaceId} AND m."deletedAt" IS NULL AND m."searchVector" @@ ${query}))`,
  };
}

/**
 * Escapes LIKE's wildcards (`%`, `_`) and its escape character (backslash, PostgreSQL's default
 * ESCAPE), so a search for "50%" matches the text "50%" literally.
 */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/**
 * "pizz marg" → `'pizz':* & 'marg':*`. Words are runs of letters and digits only, so nothing the
 * user typed can reach to_tsquery's syntax (quotes, &, |, !, parentheses). One-letter words match
 * whole words only: a one-letter prefix would match most messages. Null when nothing is left.
 */
export function toPrefixTsquery(q: string): string | null {
  const words = (q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, MAX_WORDS).map((word) => word.slice(0, MAX_WORD_LENGTH));
  if (words.length === 0) return null;
  return words.map((word) => (word.length > 1 ? `'${word}':*` : `'${word}'`)).join(" & ");
}
