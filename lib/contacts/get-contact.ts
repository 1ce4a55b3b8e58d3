import "server-only";
import { prisma } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/http/errors";

/** A contact as the contact panel and the REST API show it. */
export const contactSelect = {
  id: true,
  channelId: true,
  externalId: true,
  displayName: true,
  username: true,
  phone: true,
  email: true,
  avatarUrl: true,
  profile: true,
  tags: true,
  attributes: true,
  optedOut: true,
  optedOutAt: true,
  createdAt: true,
} satisfies Prisma.ContactSelect;

export type GetContactOptions = { workspaceId: string; id: string };

/** The contact and its conversations (most recent first). Throws not_found for another workspace's contact. */
export async function getContact({ workspaceId, id }: GetContactOptions) {
  const contact = await prisma.contact.findFirst({ where: { id, workspaceId }, select: contactSelect });
  if (!contact) throw new AppError({ code: "not_found", message: "Contact not found" });
  const conversations = await prisma.conversation.findMany({
    where: { contactId: id, workspaceId },
    orderBy: [{ lastMessageAt: { sort: "desc", nulls: "last" } }, { id: "desc" }],
    select: { id: true, status: true, lastMessageAt: true, channel: { select: { id: true, type: true, name: true } } },
  });
  return { contact, conversations };
}
