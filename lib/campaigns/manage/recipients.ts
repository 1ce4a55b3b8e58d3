import "server-only";
import { z } from "zod";
import { getPgPool } from "@/lib/db/pg";
import { prisma } from "@/lib/db/client";
import { campaignNotFound } from "./campaigns";
import { RECIPIENT_STATUSES } from "./campaign-summary";

export const listRecipientsQuerySchema = z.object({
  status: z.enum(RECIPIENT_STATUSES, { error: `must be one of ${RECIPIENT_STATUSES.join(", ")}` }).optional(),
  /** Name, username or phone contains. */
  q: z.string().trim().max(100, "must be at most 100 characters").optional(),
  cursor: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export type RecipientRow = {
  id: string;
  contactId: string;
  name: string | null;
  username: string | null;
  phone: string | null;
  status: string;
  reasonCode: string | null;
  reason: string | null;
  messageId: string | null;
  conversationId: string | null;
  attempts: number;
  attemptedAt: Date | null;
  sentAt: Date | null;
  deliveredAt: Date | null;
  readAt: Date | null;
  failedAt: Date | null;
};

const SELECT = `
  SELECT r.id, r."contactId", c."displayName" AS name, c.username, coalesce(c.phone, CASE WHEN ch.type IN ('whatsapp_cloud', 'twilio_whatsapp') THEN '+' || c."externalId" END) AS phone,
         r.status::text AS status, r."reasonCode", r.reason, r."messageId", m."conversationId", r.attempts,
         r."attemptedAt" AT TIME ZONE 'UTC' AS "attemptedAt", r."sentAt" AT TIME ZONE 'UTC' AS "sentAt", r."deliveredAt" AT TIME ZONE 'UTC' AS "deliveredAt",
         r."readAt" AT TIME ZONE 'UTC' AS "readAt", r."failedAt" AT TIME ZONE 'UTC' AS "failedAt"
    FROM "CampaignRecipient" r JOIN "Contact" c ON c.id = r."contactId" JOIN "Channel" ch ON ch.id = c."channelId"
    LEFT JOIN "Message" m ON m.id = r."messageId"`;

async function requireCampaign(workspaceId: string, campaignId: string) {
  const campaign = await prisma.campaign.findFirst({ where: { id: campaignId, workspaceId }, select: { id: true, name: true } });
  if (!campaign) throw campaignNotFound();
  return campaign;
}

/** A page of a campaign's recipients, in a stable order (id), filtered by status and/or search. */
export async function listRecipients(workspaceId: string, campaignId: string, query: z.infer<typeof listRecipientsQuerySchema>) {
  await requireCampaign(workspaceId, campaignId);
  const params: unknown[] = [campaignId, query.limit + 1];
  const where = [`r."campaignId" = $1`];
  if (query.status) where.push(`r.status = $${params.push(query.status)}::"CampaignRecipientStatus"`);
  if (query.cursor) where.push(`r.id > $${params.push(query.cursor)}`);
  if (query.q) {
    const like = `%${query.q.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
    const n = params.push(like);
    where.push(`(c."displayName" ILIKE $${n} OR c.username ILIKE $${n} OR c.phone ILIKE $${n} OR c."externalId" ILIKE $${n})`);
  }
  const { rows } = await getPgPool().query<RecipientRow>(`${SELECT} WHERE ${where.join(" AND ")} ORDER BY r.id LIMIT $2`, params);
  const page = rows.slice(0, query.limit);
  return { recipients: page, nextCursor: rows.length > query.limit ? page[page.length - 1].id : null };
}
