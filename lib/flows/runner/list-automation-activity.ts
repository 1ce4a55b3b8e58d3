import "server-only";
import { z } from "zod";
import { prisma } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";

export const listAutomationActivityQuerySchema = z.object({
  /** nextCursor of the previous page (opaque). */
  cursor: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  /** Only entries with this result (ok = sent / done). */
  result: z.enum(["ok", "skipped", "failed"], { error: "must be ok, skipped or failed" }).optional(),
  /** Only entries of this flow (an id of another workspace simply matches nothing). */
  flowId: z.string().min(1).max(64).optional(),
});

export type ListAutomationActivityOptions = { workspaceId: string; query: z.infer<typeof listAutomationActivityQuerySchema> };

// The cursor is the last entry's (createdAt, id), so it names no other row to look up (nothing of
// another workspace can be reached through it) and pages stay stable while new entries arrive.
const cursorSchema = z.tuple([z.iso.datetime(), z.string().min(1).max(64)]);

/**
 * The workspace's activity log (every automated action: who, what, which rule, result), newest
 * first, keyset-paginated, optionally only one result or one flow. Throws AppError 400 for a cursor this function did not make.
 */
export async function listAutomationActivity({ workspaceId, query }: ListAutomationActivityOptions) {
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  const rows = await prisma.automationLog.findMany({
    where: {
      workspaceId,
      ...(query.result ? { result: query.result } : {}),
      ...(query.flowId ? { flowId: query.flowId } : {}),
      ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: query.limit + 1,
    select: { id: true, kind: true, result: true, reason: true, detail: true, flowId: true, blockId: true, contactId: true, conversationId: true, messageId: true, createdAt: true },
  });
  const page = rows.slice(0, query.limit);
  const flowIds = [...new Set(page.flatMap((row) => (row.flowId ? [row.flowId] : [])))];
  const contactIds = [...new Set(page.flatMap((row) => (row.contactId ? [row.contactId] : [])))];
  const conversationIds = [...new Set(page.flatMap((row) => (row.conversationId ? [row.conversationId] : [])))];
  const [flows, contacts, conversations] = await Promise.all([
    flowIds.length ? prisma.flow.findMany({ where: { workspaceId, id: { in: flowIds } }, select: { id: true, name: true } }) : [],
    contactIds.length ? prisma.contact.findMany({ where: { workspaceId, id: { in: contactIds } }, select: { id: true, displayName: true, username: true, externalId: true } }) : [],
    conversationIds.length
      ? prisma.conversation.findMany({ where: { workspaceId, id: { in: conversationIds } }, select: { id: true, channel: { select: { id: true, type: true, name: true } } } })
      : [],
  ]);
  const channels = new Map(conversations.map((conversation) => [conversation.id, conversation.channel]));
  const flowNames = new Map(flows.map((flow) => [flow.id, flow.name]));
  const contactNames = new Map(contacts.map((contact) => [contact.id, contact.displayName ?? contact.username ?? contact.externalId]));
  const last = page.at(-1);
  return {
    entries: page.map((row) => ({
      ...row,
      flowName: row.flowId ? (flowNames.get(row.flowId) ?? null) : null,
      contactName: row.contactId ? (contactNames.get(row.contactId) ?? null) : null,
      channel: row.conversationId ? (channels.get(row.conversationId) ?? null) : null,
    })),
    nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null,
  };
}

function encodeCursor({ createdAt, id }: { createdAt: Date; id: string }): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString("base64url");
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const [createdAt, id] = cursorSchema.parse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
    return { createdAt: new Date(createdAt), id };
  } catch {
    throw new AppError({ code: "bad_request", message: "This cursor is not valid: use nextCursor from the previous page", field: "cursor" });
  }
}
