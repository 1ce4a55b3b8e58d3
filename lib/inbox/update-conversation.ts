import "server-only";
import { z } from "zod";
import { prisma, type TransactionClient } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/http/errors";
import { conversationStatusSchema } from "./conversation-filter";
import { getConversationSummaryOrThrow } from "./get-conversation-summary";

/** Roles that work the inbox: a conversation can only be assigned to one of them. */
const ASSIGNABLE_ROLES = ["owner", "admin", "agent"] as const;

export const updateConversationSchema = z
  .object({
    /** "blocked" stops automations and keeps new messages out of unread/reopen; "open" unblocks. */
    status: conversationStatusSchema.optional(),
    /** A user id of a member who works the inbox, "me", or null to unassign. */
    assigneeId: z.string().min(1).max(100).nullable().optional(),
    /** true = human handoff: flows stop answering this conversation. */
    botPaused: z.boolean().optional(),
    /** false = mark read (unreadCount 0); true = mark unread (unreadCount at least 1). */
    unread: z.boolean().optional(),
  })
  .strict()
  .refine((input) => Object.values(input).some((value) => value !== undefined), "Send at least one of status, assigneeId, botPaused, unread");

export type UpdateConversationInput = z.infer<typeof updateConversationSchema>;

export type UpdateConversationOptions = {
  workspaceId: string;
  id: string;
  /** The caller; null for API keys ("me" is then refused, the pause reason says "API"). */
  user: { id: string; name: string } | null;
  input: UpdateConversationInput;
};

/**
 * Applies an agent's action to a conversation and returns its new summary. Idempotent: the
 * same body twice leaves the same state (assignedAt and the pause reason keep their first
 * value). The row is locked while it is read and written, so concurrent actions never lose
 * one another's fields; the inbox counters follow through their trigger.
 * Throws not_found for another workspace's conversation, unprocessable (field assigneeId) for an
 * assignee who is not a member working the inbox, or "me" without a user.
 */
export async function updateConversation({ workspaceId, id, user, input }: UpdateConversationOptions) {
  await prisma.$transaction(async (tx) => {
    const [current] = await tx.$queryRaw<{ assigneeId: string | null; botPaused: boolean; unreadCount: number }[]>`
      SELECT "assigneeId", "botPaused", "unreadCount" FROM "Conversation" WHERE id = ${id} AND "workspaceId" = ${workspaceId} FOR UPDATE`;
    if (!current) throw new AppError({ code: "not_found", message: "Conversation not found" });
    const assigneeId = input.assigneeId === undefined ? undefined : await resolveAssignee({ tx, workspaceId, assigneeId: input.assigneeId, user });
    const data: Prisma.ConversationUpdateInput = {};
    if (input.status) data.status = input.status;
    if (assigneeId !== undefined && assigneeId !== current.assigneeId) {
      data.assignee = assigneeId ? { connect: { id: assigneeId } } : { disconnect: true };
      data.assignedAt = assigneeId ? new Date() : null;
    }
    if (input.botPaused !== undefined && input.botPaused !== current.botPaused) {
      data.botPaused = input.botPaused;
      data.botPausedReason = input.botPaused ? `Paused by ${user?.name ?? "the API"}` : null;
    }
    if (input.unread === false) data.unreadCount = 0;
    if (input.unread === true && current.unreadCount === 0) data.unreadCount = 1;
    if (Object.keys(data).length > 0) await tx.conversation.update({ where: { id }, data });
  });
  return getConversationSummaryOrThrow({ workspaceId, id });
}

type ResolveAssigneeOptions = { tx: TransactionClient; workspaceId: string; assigneeId: string | null; user: { id: string } | null };

async function resolveAssignee({ tx, workspaceId, assigneeId, user }: ResolveAssigneeOptions): Promise<string | null> {
  if (assigneeId === null) return null;
  if (assigneeId === "me" && !user) {
    throw new AppError({ code: "unprocessable", message: "assigneeId \"me\" needs a signed-in user; an API key must name the user", field: "assigneeId" });
  }
  const userId = assigneeId === "me" && user ? user.id : assigneeId;
  const member = await tx.membership.findFirst({ where: { workspaceId, userId, role: { in: [...ASSIGNABLE_ROLES] } }, select: { userId: true } });
  if (!member) {
    throw new AppError({ code: "unprocessable", message: "The assignee must be a member of this workspace who works the inbox (owner, admin or agent)", field: "assigneeId" });
  }
  return member.userId;
}
