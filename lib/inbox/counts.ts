import "server-only";
import { prisma } from "@/lib/db/client";

// Badge counts, read from InboxCounter: a deferred trigger on "Conversation" (migration
// 20261122055136_inbox) keeps one row per filter key, so a poll reads a few rows by primary key
// instead of counting conversations. key = `<status>|<channelId or *>|<assigneeId, none or *>|<unread or *>`.

export type InboxCounts = {
  open: number;
  archived: number;
  blocked: number;
  /** Open conversations assigned to the caller (0 for API keys: they have no "me"). */
  mine: number;
  unassigned: number;
  /** Open conversations with unread messages. */
  unread: number;
  mineUnread: number;
  /** Open conversations per channel id, every channel of the workspace (0 when none). */
  channels: Record<string, number>;
};

export type GetInboxCountsOptions = { workspaceId: string; userId: string | null };

const CHANNEL_KEY = /^open\|([^|]+)\|\*\|\*$/;

/** The workspace's inbox counts: one query, primary-key lookups only. */
export async function getInboxCounts({ workspaceId, userId }: GetInboxCountsOptions): Promise<{ counts: InboxCounts }> {
  const fixed = {
    open: "open|*|*|*",
    archived: "archived|*|*|*",
    blocked: "blocked|*|*|*",
    unassigned: "open|*|none|*",
    unread: "open|*|*|unread",
    ...(userId ? { mine: `open|*|${userId}|*`, mineUnread: `open|*|${userId}|unread` } : {}),
  };
  const rows = await prisma.$queryRaw<{ key: string; count: number }[]>`
    SELECT k.key, COALESCE(ic.count, 0)::int AS count
    FROM (SELECT unnest(${Object.values(fixed)}::text[]) AS key
          UNION ALL SELECT 'open|' || ch.id || '|*|*' FROM "Channel" ch WHERE ch."workspaceId" = ${workspaceId}) k
    LEFT JOIN "InboxCounter" ic ON ic."workspaceId" = ${workspaceId} AND ic.key = k.key`;
  const byKey = new Map(rows.map((row) => [row.key, row.count]));
  const count = (key: string | undefined) => (key ? (byKey.get(key) ?? 0) : 0);
  const channels: Record<string, number> = {};
  for (const row of rows) {
    const channelId = CHANNEL_KEY.exec(row.key)?.[1];
    if (channelId && channelId !== "*") channels[channelId] = row.count;
  }
  return {
    counts: {
      open: count(fixed.open),
      archived: count(fixed.archived),
      blocked: count(fixed.blocked),
      mine: count(fixed.mine),
      unassigned: count(fixed.unassigned),
      unread: count(fixed.unread),
      mineUnread: count(fixed.mineUnread),
      channels,
    },
  };
}
