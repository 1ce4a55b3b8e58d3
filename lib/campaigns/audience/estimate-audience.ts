import "server-only";
import { getPgPool } from "@/lib/db/pg";
import type { Audience } from "@/lib/campaigns/definition/audience-schema";
import type { CampaignContent } from "@/lib/campaigns/definition/content-schema";
import { buildAudienceSql, SKIP_REASON_TEXT, type SkipReason } from "./audience-sql";

export type AudienceEstimate = {
  /** Contacts (and new numbers) the audience selects. */
  total: number;
  eligible: number;
  skipped: Array<{ reason: SkipReason; label: string; count: number }>;
  /** Numbers of a CSV/list audience with no contact yet: created at launch (WhatsApp). */
  newNumbers: number;
};

export type EstimateAudienceOptions = { workspaceId: string; channelId: string; channelType: string; audience: Audience; content: CampaignContent };

/** Eligible vs skipped (by reason) right now; the launch applies the same rules (audience-sql.ts). */
export async function estimateAudience(options: EstimateAudienceOptions): Promise<AudienceEstimate> {
  const sql = buildAudienceSql(options);
  const { rows } = await getPgPool().query<{ reason: SkipReason | null; count: number }>(
    `SELECT ${sql.reason} AS reason, count(*)::int AS count FROM ${sql.from} WHERE ${sql.where} GROUP BY 1`,
    sql.params,
  );
  const counts = new Map<SkipReason | null, number>(rows.map((row) => [row.reason, row.count]));
  const newNumbers = await countNewNumbers(options);
  const newNumbersReason = newNumberSkipReason(options);
  if (newNumbers > 0 && newNumbersReason) counts.set(newNumbersReason, (counts.get(newNumbersReason) ?? 0) + newNumbers);
  const eligible = (counts.get(null) ?? 0) + (newNumbersReason ? 0 : newNumbers);
  const skipped = (Object.keys(SKIP_REASON_TEXT) as SkipReason[]).flatMap((reason) => {
    const count = counts.get(reason) ?? 0;
    return count > 0 ? [{ reason, label: SKIP_REASON_TEXT[reason], count }] : [];
  });
  return { total: eligible + skipped.reduce((sum, item) => sum + item.count, 0), eligible, skipped, newNumbers };
}

/**
 * Numbers of the list that have no contact on the channel yet. They only match an audience that
 * a contact without tags, attributes or messages matches (no tag or last-interaction filter, and
 * only "does not equal" / "is not set" attribute filters).
 */
export async function countNewNumbers({ channelId, audience }: EstimateAudienceOptions): Promise<number> {
  if (!newNumbersMatch(audience)) return 0;
  const waIds = [...new Set((audience.phones ?? []).map((phone) => phone.replace(/^\+/, "")))];
  if (waIds.length === 0) return 0;
  const { rows } = await getPgPool().query<{ count: number }>(
    `SELECT count(*)::int AS count FROM unnest($2::text[]) AS n(id)
      WHERE NOT EXISTS (SELECT 1 FROM "Contact" c WHERE c."channelId" = $1 AND c."externalId" = n.id)`,
    [channelId, waIds],
  );
  return rows[0].count;
}

export function newNumbersMatch(audience: Audience): boolean {
  if (audience.source !== "list" || audience.tags || audience.lastInteractionWithinHours !== undefined) return false;
  return (audience.attributes ?? []).every((filter) => filter.op === "not_equals" || filter.op === "not_exists");
}

/** A new number never wrote to the business: only a template can reach it, and only with every variable filled. */
export function newNumberSkipReason({ content, channelType }: Pick<EstimateAudienceOptions, "content" | "channelType">): SkipReason | null {
  if (content.kind !== "template") return channelType === "sandbox" ? null : "outside_window";
  const needsContactData = Object.values(content.variables).some((source) => source.source !== "constant" && (source.fallback ?? "").trim() === "" && !(source.source === "contact" && source.field === "phone"));
  return needsContactData ? "missing_variable" : null;
}
