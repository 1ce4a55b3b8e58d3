import "server-only";
import type { SqlClient } from "@/lib/db/pg";

// WhatsApp's messaging limit: how many unique customers a business may message OUTSIDE their
// customer-service window (business-initiated, i.e. with a template) in a moving 24 hours. Meta
// sets it per business portfolio: 250 for a new one, then 2,000, 10,000, 100,000 or unlimited
// (developers.facebook.com/docs/whatsapp/messaging-limits). Campaigns stop cleanly at the limit
// with a clear status instead of sending messages Meta will not deliver.
//
// The channel's limit is Channel.settings.messagingLimit (a number, or "unlimited"): set from the
// phone_number_quality_update webhook or by an owner; unknown counts as Meta's starting 250.

export const DEFAULT_MESSAGING_LIMIT = 250;

export function readMessagingLimit(settings: unknown): number | null {
  const value = typeof settings === "object" && settings !== null ? (settings as Record<string, unknown>).messagingLimit : undefined;
  if (value === "unlimited") return null;
  if (typeof value === "number" && Number.isInteger(value) && value > 0) return value;
  return DEFAULT_MESSAGING_LIMIT;
}

/** Unique contacts of the channel sent a business-initiated message (outside the window) in the last 24 h. */
export async function countBusinessInitiatedContacts(client: Pick<SqlClient, "query">, workspaceId: string, channelId: string): Promise<number> {
  const { rows } = await client.query<{ count: number }>(
    `SELECT count(DISTINCT m."conversationId")::int AS count
       FROM "Message" m JOIN "ComplianceRecord" r ON r."messageId" = m.id
      WHERE m."workspaceId" = $1 AND m."channelId" = $2 AND m.direction = 'outbound' AND m."createdAt" > timezone('UTC', now()) - interval '24 hours'
        AND NOT r."insideWindow" AND m.status <> 'failed'`,
    [workspaceId, channelId],
  );
  return rows[0].count;
}
