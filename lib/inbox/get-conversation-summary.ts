import "server-only";
import { prisma } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/http/errors";

/** Instagram and WhatsApp accept free-form replies until 24 h after the customer's last message. */
export const REPLY_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * The columns of a conversation as the inbox list shows it: the list, the delta endpoint, GET and
 * PATCH /api/conversations/[id]. components/inbox and lib/inbox/queries.ts consume this shape.
 */
export const conversationSummarySelect = {
  id: true,
  status: true,
  unreadCount: true,
  lastMessageAt: true,
  lastInboundAt: true,
  lastMessagePreview: true,
  assignee: { select: { id: true, name: true } },
  botPaused: true,
  botPausedReason: true,
  channel: { select: { id: true, type: true, name: true } },
  contact: { select: { id: true, displayName: true, username: true, phone: true, avatarUrl: true, tags: true, optedOut: true } },
} satisfies Prisma.ConversationSelect;

type ConversationSummaryRow = Prisma.ConversationGetPayload<{ select: typeof conversationSummarySelect }>;

export type GetConversationSummaryOptions = { workspaceId: string; id: string };

/** One conversation as the inbox list shows it, or null when the workspace has no such conversation. */
export async function getConversationSummary({ workspaceId, id }: GetConversationSummaryOptions) {
  const row = await prisma.conversation.findFirst({ where: { id, workspaceId }, select: conversationSummarySelect });
  return row ? toConversationSummary(row) : null;
}

/** getConversationSummary(), throwing not_found (404) for another workspace's id or none. */
export async function getConversationSummaryOrThrow(options: GetConversationSummaryOptions) {
  const summary = await getConversationSummary(options);
  if (!summary) throw new AppError({ code: "not_found", message: "Conversation not found" });
  return summary;
}

export type ListConversationSummariesOptions = { workspaceId: string; ids: string[] };

/**
 * The summaries of these conversations, in the order of `ids`. Ids of another workspace, or of
 * conversations deleted since they were listed, are left out.
 */
export async function listConversationSummaries({ workspaceId, ids }: ListConversationSummariesOptions) {
  if (ids.length === 0) return [];
  const rows = await prisma.conversation.findMany({ where: { id: { in: ids }, workspaceId }, select: conversationSummarySelect });
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [toConversationSummary(row)] : [];
  });
}

/** Adds `windowClosesAt`: lastInboundAt + 24 h, null when the customer never wrote. */
export function toConversationSummary(row: ConversationSummaryRow) {
  return { ...row, windowClosesAt: row.lastInboundAt ? new Date(row.lastInboundAt.getTime() + REPLY_WINDOW_MS) : null };
}

export type ConversationSummary = ReturnType<typeof toConversationSummary>;
