import "server-only";
import { z } from "zod";
import { prisma } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { conversationFilterQuerySchema, conversationFilterSql, resolveConversationFilter } from "./conversation-filter";
import { conversationSearch, type ConversationSearch } from "./conversation-search";
import { listConversationSummaries } from "./get-conversation-summary";
import { getSyncCursor } from "./sync-cursor";

/** What a page cursor names: the last conversation of the previous page. */
const cursorPositionSchema = z.tuple([z.iso.datetime().nullable(), z.string().min(1).max(100)]);
type CursorPosition = { lastMessageAt: Date | null; id: string };

export const listConversationsQuerySchema = conversationFilterQuerySchema.extend({
  /** Contact name, username or phone (substring), or words of a message (word prefixes). */
  q: z
    .string()
    .trim()
    .max(100)
    .optional()
    .transform((value) => value || undefined),
  /** Opaque: `nextCursor` of the previous page. */
  cursor: z.string().min(1).max(300).transform(decodeCursor).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
});

export type ListConversationsQuery = z.infer<typeof listConversationsQuerySchema>;
export type ListConversationsOptions = {
  workspaceId: string;
  /** The caller, for `assignee=me`; null for API keys. */
  userId: string | null;
  query: ListConversationsQuery;
};

type PositionRow = { id: string; lastMessageAt: Date | null };

const LIST_ORDER = Prisma.sql`c."lastMessageAt" DESC, c.id DESC`;

/**
 * A page of the workspace's conversations matching the filter and search, most recent activity
 * first (`lastMessageAt` desc, never-active ones last, then `id` desc). Keyset pagination: pass
 * `nextCursor` back as `cursor` (no OFFSET, no COUNT). A conversation that gets a new message
 * while someone pages moves to the first page: later pages never repeat it. A channelId or
 * assignee of another workspace simply lists nothing.
 *
 * `syncCursor` is taken before reading: polling GET /api/inbox/changes with it returns every
 * change the page may have missed.
 */
export async function listConversations({ workspaceId, userId, query }: ListConversationsOptions) {
  const filter = resolveConversationFilter({ query, userId });
  const syncCursor = await getSyncCursor();
  const where = Prisma.sql`c."workspaceId" = ${workspaceId} AND ${conversationFilterSql(filter)}`;
  const search = query.q ? conversationSearch({ workspaceId, q: query.q }) : null;
  // With one assignee (or none) assigneeId is constant, so leading the ORDER BY with it changes
  // nothing but lets the planner read the (workspaceId, status, assigneeId, lastMessageAt DESC)
  // index in order: `assigneeId IS NULL` alone does not tell it the column is constant.
  const orderBy = filter.assigneeId === undefined ? LIST_ORDER : Prisma.sql`c."assigneeId", ${LIST_ORDER}`;
  const take = query.limit + 1;
  const cursor = query.cursor;

  // Two ordered reads instead of one `ORDER BY lastMessageAt DESC NULLS LAST`: Postgres indexes
  // sort DESC as NULLS FIRST, so the (workspaceId, status, …, lastMessageAt DESC) indexes only
  // serve the dated rows in order; the rare never-active rows follow by id. (`lastMessageAt`
  // still leads their ORDER BY: ordered by id alone, the planner walks the primary key of every
  // workspace's conversations looking for these few.)
  const rows: PositionRow[] = [];
  if (!cursor || cursor.lastMessageAt) {
    const after = cursor?.lastMessageAt
      ? // The redundant `<=` bound lets the planner range-scan the index.
        Prisma.sql`c."lastMessageAt" <= ${cursor.lastMessageAt} AND (c."lastMessageAt" < ${cursor.lastMessageAt} OR c.id < ${cursor.id})`
      : Prisma.sql`c."lastMessageAt" IS NOT NULL`;
    rows.push(...(await readPositions({ where: Prisma.sql`${where} AND ${after}`, orderBy, take, search })));
  }
  if (rows.length < take) {
    const after = cursor && !cursor.lastMessageAt ? Prisma.sql`AND c.id < ${cursor.id}` : Prisma.empty;
    rows.push(...(await readPositions({ where: Prisma.sql`${where} AND c."lastMessageAt" IS NULL ${after}`, orderBy, take: take - rows.length, search })));
  }

  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    conversations: await listConversationSummaries({ workspaceId, ids: page.map((row) => row.id) }),
    nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null,
    syncCursor,
  };
}

/** Conversations the search walks row by row before it asks the indexes (conversation-search.ts). */
const SEARCH_WINDOW = 100;

type ReadPositionsOptions = { where: Prisma.Sql; orderBy: Prisma.Sql; take: number; search: ConversationSearch | null };

/** The first `take` conversations matching `where` (and the search), in list order. */
async function readPositions({ where, orderBy, take, search }: ReadPositionsOptions): Promise<PositionRow[]> {
  if (!search) {
    return prisma.$queryRaw<PositionRow[]>`SELECT c.id, c."lastMessageAt" FROM "Conversation" c WHERE ${where} ORDER BY ${orderBy} LIMIT ${take}`;
  }
  // The window is a prefix of the list order: when it holds `take` matches they are the first
  // `take` of the whole list, and when it holds the whole list its matches are all there are.
  // Otherwise the matches are rare and the indexes find them cheaply.
  const walked = await prisma.$queryRaw<(PositionRow & { isEnd: boolean })[]>`
    WITH head AS (SELECT c.id, c."lastMessageAt", c."contactId", c."assigneeId" FROM "Conversation" c WHERE ${where} ORDER BY ${orderBy} LIMIT ${SEARCH_WINDOW}),
    hits AS (SELECT c.id, c."lastMessageAt" FROM head c WHERE ${search.perRow} ORDER BY ${orderBy} LIMIT ${take})
    SELECT * FROM (
      SELECT id, "lastMessageAt", false AS "isEnd" FROM hits
      UNION ALL SELECT NULL, NULL, true WHERE (SELECT count(*) FROM head) < ${SEARCH_WINDOW}
    ) c ORDER BY c."isEnd", ${LIST_ORDER}`;
  const hits = walked.filter((row) => !row.isEnd).map(({ id, lastMessageAt }) => ({ id, lastMessageAt }));
  if (hits.length >= take || walked.some((row) => row.isEnd)) return hits;
  return prisma.$queryRaw<PositionRow[]>`
    SELECT c.id, c."lastMessageAt" FROM "Conversation" c WHERE ${where} AND ${search.indexed} ORDER BY ${orderBy} LIMIT ${take}`;
}

function encodeCursor({ lastMessageAt, id }: CursorPosition): string {
  return Buffer.from(JSON.stringify([lastMessageAt?.toISOString() ?? null, id])).toString("base64url");
}

function decodeCursor(value: string, ctx: z.RefinementCtx): CursorPosition {
  let decoded: unknown = null;
  try {
    decoded = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
  } catch {
    // Not base64url JSON: reported below like any other malformed cursor.
  }
  const parsed = cursorPositionSchema.safeParse(decoded);
  if (!parsed.success) {
    ctx.addIssue({ code: "custom", message: "Invalid cursor: pass back a nextCursor unchanged" });
    return z.NEVER;
  }
  const [lastMessageAt, id] = parsed.data;
  return { lastMessageAt: lastMessageAt ? new Date(lastMessageAt) : null, id };
}
