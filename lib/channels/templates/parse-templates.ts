import { z } from "zod";

// One page of GET /{waba-id}/message_templates, read defensively: an entry without a name or
// language is skipped (it cannot be keyed), unknown fields are ignored. Pure.

const templateSchema = z.looseObject({
  id: z.string().optional(),
  name: z.string().min(1),
  language: z.string().min(1),
  category: z.string().optional(),
  status: z.string().min(1).optional(),
  rejected_reason: z.string().optional(),
  components: z.array(z.unknown()).optional(),
});

const pageSchema = z.object({
  data: z.array(z.unknown()),
  paging: z.looseObject({ next: z.string().optional() }).optional(),
});

export type SyncedTemplate = {
  externalId: string | null;
  name: string;
  language: string;
  category: string | null;
  status: string;
  /** Why Meta rejected it; null when not rejected (Meta says "NONE"). */
  reason: string | null;
  components: unknown[];
};

export type TemplatePage = { templates: SyncedTemplate[]; next: string | null; skipped: number };

/** Parses one page; returns null when the body is not a template listing at all. */
export function parseTemplatePage(body: unknown): TemplatePage | null {
  const page = pageSchema.safeParse(body);
  if (!page.success) return null;
  const templates: SyncedTemplate[] = [];
  let skipped = 0;
  for (const entry of page.data.data) {
    const parsed = templateSchema.safeParse(entry);
    if (!parsed.success) {
      skipped++;
      continue;
    }
    const { id, name, language, category, status, rejected_reason: rejectedReason, components } = parsed.data;
    templates.push({
      externalId: id ?? null,
      name,
      language,
      category: category ?? null,
      status: (status ?? "UNKNOWN").toUpperCase(),
      reason: rejectedReason && rejectedReason.toUpperCase() !== "NONE" ? rejectedReason : null,
      components: components ?? [],
    });
  }
  return { templates, next: page.data.paging?.next ?? null, skipped };
}

/** Key of a template within a channel (the unique channelId + name + language). */
export function templateKey({ name, language }: { name: string; language: string }): string {
  return `${name}\u0000${language}`;
}

export type TemplateDiff = { deletedIds: string[] };

/**
 * The stored templates Meta no longer lists: they are marked DELETED (kept, so messages that
 * used them still show their name). Already-deleted rows are left alone.
 */
export function findDeletedTemplates({ stored, synced }: { stored: { id: string; name: string; language: string; status: string }[]; synced: SyncedTemplate[] }): TemplateDiff {
  const seen = new Set(synced.map(templateKey));
  return { deletedIds: stored.filter((row) => row.status !== "DELETED" && !seen.has(templateKey(row))).map((row) => row.id) };
}
