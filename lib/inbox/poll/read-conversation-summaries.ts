import "server-only";
import { getPgPool, preparedQuery } from "@/lib/db/pg";
import type { ChannelType, ConversationStatus } from "@/lib/generated/prisma/client";
import { toConversationSummary, type ConversationSummary } from "../get-conversation-summary";

// listConversationSummaries() for the poll's 200 answers, in ONE statement on the pg pool: through
// Prisma the same read is four queries (the conversations, then their assignees, channels and
// contacts), and about a fifth of the polls of a busy inbox carry a changed conversation. Same
// shape as conversationSummarySelect + toConversationSummary (a test compares the two).

type SummaryRow = {
  id: string;
  status: ConversationStatus;
  unreadCount: number;
  lastMessageAtMs: number | null;
  lastInboundAtMs: number | null;
  lastMessagePreview: string | null;
  botPaused: boolean;
  botPausedReason: string | null;
  assigneeId: string | null;
  assigneeName: string | null;
  channelId: string;
  channelType: ChannelType;
  channelName: string;
  contactId: string;
  displayName: string | null;
  username: string | null;
  phone: string | null;
  avatarUrl: string | null;
  tags: string[];
  optedOut: boolean;
};

// Timestamps come back as epoch milliseconds: the columns are `timestamp(3)` holding UTC, which
// pg would parse in the process's local time zone.
const SUMMARIES_SQL = `
  SELECT c.id, c.status::text AS status, c."unreadCount",
    (EXTRACT(EPOCH FROM c."lastMessageAt") * 1000)::float8 AS "lastMessageAtMs",
    (EXTRACT(EPOCH FROM c."lastInboundAt") * 1000)::float8 AS "lastInboundAtMs",
    c."lastMessagePreview", c."botPaused", c."botPausedReason",
    u.id AS "assigneeId", u.name AS "assigneeName",
    ch.id AS "channelId", ch.type::text AS "channelType", ch.name AS "channelName",
    ct.id AS "contactId", ct."displayName", ct.username, ct.phone, ct."avatarUrl", ct.tags, ct."optedOut"
  FROM "Conversation" c
    JOIN "Channel" ch ON ch.id = c."channelId"
    JOIN "Contact" ct ON ct.id = c."contactId"
    LEFT JOIN "User" u ON u.id = c."assigneeId"
  WHERE c."workspaceId" = $1 AND c.id = ANY($2::text[])`;

export type ReadConversationSummariesOptions = { workspaceId: string; ids: string[] };

/** The summaries of these conversations of the workspace, in the order of `ids` (unknown ids left out). */
export async function readConversationSummaries({ workspaceId, ids }: ReadConversationSummariesOptions): Promise<ConversationSummary[]> {
  if (ids.length === 0) return [];
  const { rows } = await getPgPool().query<SummaryRow>(preparedQuery("inbox_poll_summaries", SUMMARIES_SQL, [workspaceId, ids]));
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [toConversationSummary(toSelectedRow(row))] : [];
  });
}

function toSelectedRow(row: SummaryRow): Parameters<typeof toConversationSummary>[0] {
  return {
    id: row.id,
    status: row.status,
    unreadCount: row.unreadCount,
    lastMessageAt: row.lastMessageAtMs === null ? null : new Date(row.lastMessageAtMs),
    lastInboundAt: row.lastInboundAtMs === null ? null : new Date(row.lastInboundAtMs),
    lastMessagePreview: row.lastMessagePreview,
    assignee: row.assigneeId === null ? null : { id: row.assigneeId, name: row.assigneeName ?? "" },
    botPaused: row.botPaused,
    botPausedReason: row.botPausedReason,
    channel: { id: row.channelId, type: row.channelType, name: row.channelName },
    contact: { id: row.contactId, displayName: row.displayName, username: row.username, phone: row.phone, avatarUrl: row.avatarUrl, tags: row.tags, optedOut: row.optedOut },
  };
}
