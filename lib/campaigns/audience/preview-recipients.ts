import "server-only";
import { getPgPool } from "@/lib/db/pg";
import { prisma } from "@/lib/db/client";
import { renderTemplate } from "@/lib/inbox/compose/template-variables";
import { renderAutomatedText } from "@/lib/flows/runner/render-automated-text";
import type { Audience } from "@/lib/campaigns/definition/audience-schema";
import type { CampaignContent } from "@/lib/campaigns/definition/content-schema";
import { resolveVariables } from "@/lib/campaigns/definition/resolve-variables";
import { buildAudienceSql } from "./audience-sql";

export type RecipientPreview = { contactId: string; name: string | null; phone: string | null; text: string | null; problem: string | null };

export type PreviewRecipientsOptions = { workspaceId: string; channelId: string; channelType: string; audience: Audience; content: CampaignContent; limit?: number };

/** What the first few eligible recipients would receive, rendered exactly as the dispatcher will. */
export async function previewRecipients({ limit = 3, ...options }: PreviewRecipientsOptions): Promise<RecipientPreview[]> {
  const sql = buildAudienceSql(options);
  const { rows } = await getPgPool().query<{ id: string; externalId: string; displayName: string | null; username: string | null; phone: string | null; email: string | null; attributes: unknown }>(
    `SELECT c.id, c."externalId", c."displayName", c.username, c.phone, c.email, c.attributes FROM ${sql.from} WHERE ${sql.where} AND (${sql.reason}) IS NULL ORDER BY c.id LIMIT ${Math.min(10, limit)}`,
    sql.params,
  );
  const { content } = options;
  const template =
    content.kind === "template"
      ? await prisma.messageTemplate.findUnique({ where: { channelId_name_language: { channelId: options.channelId, name: content.name, language: content.language } }, select: { components: true } })
      : null;
  return rows.map((row) => {
    const base = { contactId: row.id, name: row.displayName, phone: row.phone ?? (options.channelType.includes("whatsapp") ? `+${row.externalId}` : null) };
    if (content.kind === "flow") return { ...base, text: null, problem: null };
    if (content.kind === "text") {
      const attributes = typeof row.attributes === "object" && row.attributes !== null ? (row.attributes as Record<string, string>) : {};
      return { ...base, text: renderAutomatedText({ template: content.text, contact: { ...row, attributes } }), problem: null };
    }
    if (!template) return { ...base, text: null, problem: "Template not found" };
    const values = resolveVariables(content.variables, { ...row, channelType: options.channelType });
    if (!values.ok) return { ...base, text: null, problem: `Missing ${values.missing.join(", ")}` };
    const rendered = renderTemplate({ components: template.components, variables: values.values });
    return rendered.ok ? { ...base, text: rendered.text, problem: null } : { ...base, text: null, problem: rendered.reason ?? "Variables not accepted" };
  });
}
