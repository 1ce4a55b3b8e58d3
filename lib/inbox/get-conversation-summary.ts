import "server-only";
import { prisma } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";

/** Instagram and WhatsApp accept free-form replies until 24 h after the customer's last message. */
export const REPLY_WINDOW_MS = 24 * 60 * 60 * 1000;

/** The columns of a conversation as the inbox list shows it. */
export const conversationSummarySelect = {
  id: true,
  status: true,
  unreadCount: true,
  lastMessageAt: true,
  lastInboundAt: true,
  lastMessagePreview: true,
  channel: { select: { id: true, type: true, name: true } },
  contact: { select: { id: true, displayName: true, username: true, phone: true, avatarUrl: true } },
} satisfies Prisma.ConversationSelect;

type ConversationSummaryRow = Prisma.ConversationGetPayload<{ select: typeof conversationSummarySelect }>;

export type GetConversationSummaryOptions = { workspaceId: string; id: string };

/** One conversation as the inbox list shows it, or null when the workspace has no such conversation. */
export async function getConversationSummary({ workspaceId, id }: GetConversationSummaryOptions) {
  const row = await prisma.conversation.findFirst({ where: { id, workspaceId }, select: conversationSummarySelect });
  return row ? toConversationSummary(row) : null;
}

/** Adds `windowClosesAt`: lastInboundAt + 24 h, null when the customer never wrote. */
export function toConversationSummary(row: ConversationSummaryRow) {
  return { ...row, windowClosesAt: row.lastInboundAt ? new Date(row.lastInboundAt.getTime() + REPLY_WINDOW_MS) : null };
}

export type ConversationSummary = ReturnType<typeof toConversationSummary>;
