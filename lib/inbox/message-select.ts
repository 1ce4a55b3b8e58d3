import type { Prisma } from "@/lib/generated/prisma/client";

/** The columns of a message as the thread, the delta endpoint and the REST API return it. */
export const messageSelect = {
  id: true,
  conversationId: true,
  direction: true,
  contentType: true,
  content: true,
  status: true,
  statusAt: true,
  errorCode: true,
  errorMessage: true,
  senderType: true,
  senderUserId: true,
  senderUser: { select: { id: true, name: true } },
  isAutoReply: true,
  messageTag: true,
  externalId: true,
  idempotencyKey: true,
  createdAt: true,
  sentAt: true,
  deletedAt: true,
} satisfies Prisma.MessageSelect;

export type MessageRow = Prisma.MessageGetPayload<{ select: typeof messageSelect }>;
