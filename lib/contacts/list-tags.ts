import "server-only";
import { prisma } from "@/lib/db/client";

/** Autocomplete needs the common tags, not an unbounded list. */
const MAX_TAGS = 500;

/** The distinct tags of the workspace's contacts, alphabetically (at most MAX_TAGS). */
export async function listTags(workspaceId: string): Promise<{ tags: string[] }> {
  const rows = await prisma.$queryRaw<{ tag: string }[]>`
    SELECT DISTINCT tag FROM "Contact", unnest(tags) AS tag
    WHERE "workspaceId" = ${workspaceId} AND cardinality(tags) > 0
    ORDER BY tag LIMIT ${MAX_TAGS}`;
  return { tags: rows.map((row) => row.tag) };
}
