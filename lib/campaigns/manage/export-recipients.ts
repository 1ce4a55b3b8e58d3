import "server-only";
import { prisma } from "@/lib/db/client";
import { getPgPool } from "@/lib/db/pg";
import { logger } from "@/lib/logger";
import { campaignNotFound } from "./campaigns";
import { csvLine, recipientsCsvDisposition } from "./csv-format";
import type { RecipientRow } from "./recipients";

// The per-recipient CSV of a campaign, for the REST API (GET /api/campaigns/:id/export) and the
// dashboard's download link (GET /api/workspaces/:slug/campaigns/:id/export).

const CSV_COLUMNS = ["contact_id", "name", "username", "phone", "status", "reason_code", "reason", "attempts", "sent_at", "delivered_at", "read_at", "failed_at"] as const;

/** Rows per query: ~150 kB of CSV, one short query each, so no connection is held while the client reads. */
export const EXPORT_BATCH_SIZE = 1000;

/** The export's columns are the recipients page's, without the ids of the message and conversation. */
type ExportRow = Pick<RecipientRow, "contactId" | "name" | "username" | "phone" | "status" | "reasonCode" | "reason" | "attempts" | "sentAt" | "deliveredAt" | "readAt" | "failedAt">;

// Keyset pagination on the (campaignId, contactId) unique index: every batch is an index range
// scan, however many recipients the campaign (or the table) has; no OFFSET, no sort.
const BATCH_SQL = `
  SELECT r."contactId", c."displayName" AS name, c.username,
         coalesce(c.phone, CASE WHEN ch.type IN ('whatsapp_cloud', 'twilio_whatsapp') THEN '+' || c."externalId" END) AS phone,
         r.status::text AS status, r."reasonCode", r.reason, r.attempts,
         r."sentAt" AT TIME ZONE 'UTC' AS "sentAt", r."deliveredAt" AT TIME ZONE 'UTC' AS "deliveredAt",
         r."readAt" AT TIME ZONE 'UTC' AS "readAt", r."failedAt" AT TIME ZONE 'UTC' AS "failedAt"
    FROM "CampaignRecipient" r JOIN "Contact" c ON c.id = r."contactId" JOIN "Channel" ch ON ch.id = c."channelId"
   WHERE r."campaignId" = $1 AND r."workspaceId" = $2 AND r."contactId" > $3
   ORDER BY r."contactId"
   LIMIT $4`;

export type ExportRecipientsOptions = { workspaceId: string; campaignId: string };

/**
 * The campaign's recipients as a CSV download, streamed batch by batch as the client reads
 * (a 50,000-recipient campaign never sits in memory). Throws not_found (404) before anything is
 * sent when the campaign is not the workspace's. A database error mid-stream aborts the download
 * (the client sees a failed transfer, never a truncated file that looks complete).
 */
export async function exportRecipientsCsv({ workspaceId, campaignId }: ExportRecipientsOptions): Promise<Response> {
  const campaign = await prisma.campaign.findFirst({ where: { id: campaignId, workspaceId }, select: { name: true } });
  if (!campaign) throw campaignNotFound();
  const chunks = recipientsCsvChunks({ workspaceId, campaignId });
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const next = await chunks.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value));
        } catch (error) {
          logger.error({ err: error, campaignId }, "campaign export failed mid-stream");
          controller.error(error);
        }
      },
      async cancel() {
        await chunks.return(undefined);
      },
    },
    // One batch at a time: the next query runs only when the client has taken the previous one.
    { highWaterMark: 0 },
  );
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": recipientsCsvDisposition(campaign.name),
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}

/** The header line, then one chunk of CSV lines per batch of recipients, in contact id order. */
export async function* recipientsCsvChunks({ workspaceId, campaignId }: ExportRecipientsOptions): AsyncGenerator<string> {
  yield `${CSV_COLUMNS.join(",")}\r\n`;
  let cursor = "";
  for (;;) {
    const { rows } = await getPgPool().query<ExportRow>(BATCH_SQL, [campaignId, workspaceId, cursor, EXPORT_BATCH_SIZE]);
    if (rows.length === 0) return;
    yield rows
      .map((row) => `${csvLine([row.contactId, row.name, row.username, row.phone, row.status, row.reasonCode, row.reason, row.attempts, row.sentAt, row.deliveredAt, row.readAt, row.failedAt])}\r\n`)
      .join("");
    if (rows.length < EXPORT_BATCH_SIZE) return;
    cursor = rows[rows.length - 1].contactId;
  }
}
