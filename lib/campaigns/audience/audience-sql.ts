import "server-only";
import type { Audience } from "@/lib/campaigns/definition/audience-schema";
import type { CampaignContent } from "@/lib/campaigns/definition/content-schema";

// The audience as SQL over "Contact" c LEFT JOIN "Conversation" v (the contact's conversation on
// the campaign's channel), and the skip reason of each contact as one CASE expression, so the
// estimate (GROUP BY reason) and the launch (INSERT … SELECT) classify contacts identically.
// Values are always bound parameters; only generated placeholders ($n) enter the text.

export type SkipReason = "opted_out" | "blocked" | "outside_window" | "missing_variable";

export const SKIP_REASON_TEXT: Record<SkipReason, string> = {
  opted_out: "The contact opted out of messages",
  blocked: "The conversation is blocked",
  outside_window: "Outside the 24-hour window: only a WhatsApp template may be sent",
  missing_variable: "A template variable has no value for this contact and no fallback",
};

export type AudienceSql = { from: string; where: string; reason: string; params: unknown[] };

export type BuildAudienceSqlOptions = {
  workspaceId: string;
  channelId: string;
  channelType: string;
  audience: Audience;
  content: CampaignContent;
  /** Parameters the caller already bound ($1…$n); the audience's follow them. */
  params?: unknown[];
};

const WINDOW = `timezone('UTC', now()) - interval '24 hours'`;

export function buildAudienceSql({ workspaceId, channelId, channelType, audience, content, params: bound = [] }: BuildAudienceSqlOptions): AudienceSql {
  const params: unknown[] = [...bound];
  const bind = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const conditions = [`c."workspaceId" = ${bind(workspaceId)}`, `c."channelId" = ${bind(channelId)}`];

  if (audience.source === "list") {
    const ids = audience.contactIds ?? [];
    const waIds = (audience.phones ?? []).map((phone) => phone.replace(/^\+/, ""));
    conditions.push(`(c.id = ANY(${bind(ids)}::text[]) OR c."externalId" = ANY(${bind(waIds)}::text[]))`);
  }
  if (audience.tags) {
    conditions.push(audience.tags.mode === "all" ? `c.tags @> ${bind(audience.tags.values)}::text[]` : `c.tags && ${bind(audience.tags.values)}::text[]`);
  }
  for (const filter of audience.attributes ?? []) {
    const value = `(c.attributes ->> ${bind(filter.key)})`;
    switch (filter.op) {
      case "equals":
        conditions.push(`${value} = ${bind(filter.value ?? "")}`);
        break;
      case "not_equals":
        conditions.push(`${value} IS DISTINCT FROM ${bind(filter.value ?? "")}`);
        break;
      case "contains":
        conditions.push(`strpos(lower(${value}), lower(${bind(filter.value ?? "")})) > 0`);
        break;
      case "exists":
        conditions.push(`coalesce(${value}, '') <> ''`);
        break;
      case "not_exists":
        conditions.push(`coalesce(${value}, '') = ''`);
        break;
    }
  }
  if (audience.lastInteractionWithinHours !== undefined) {
    conditions.push(`v."lastInboundAt" >= timezone('UTC', now()) - make_interval(hours => ${bind(audience.lastInteractionWithinHours)}::int)`);
  }

  const reasons: string[] = [`WHEN c."optedOut" THEN 'opted_out'`, `WHEN v.status = 'blocked' THEN 'blocked'`];
  if (content.kind !== "template" && channelType !== "sandbox") {
    reasons.push(`WHEN v."lastInboundAt" IS NULL OR v."lastInboundAt" < ${WINDOW} THEN 'outside_window'`);
  }
  if (content.kind === "template") {
    const missing = Object.values(content.variables).flatMap((source) => {
      if (source.source === "constant" || (source.fallback ?? "").trim() !== "") return [];
      if (source.source === "attribute") return [`coalesce(c.attributes ->> ${bind(source.key)}, '') = ''`];
      switch (source.field) {
        case "name":
        case "first_name":
          return [`coalesce(trim(c."displayName"), '') = ''`];
        case "username":
          return [`coalesce(trim(c.username), '') = ''`];
        case "phone":
          return channelType === "whatsapp_cloud" || channelType === "twilio_whatsapp" ? [] : [`coalesce(trim(c.phone), '') = ''`];
      }
    });
    if (missing.length > 0) reasons.push(`WHEN ${missing.join(" OR ")} THEN 'missing_variable'`);
  }

  return {
    from: `"Contact" c LEFT JOIN "Conversation" v ON v."contactId" = c.id AND v."channelId" = c."channelId"`,
    where: conditions.join(" AND "),
    reason: `CASE ${reasons.join(" ")} ELSE NULL END`,
    params,
  };
}
