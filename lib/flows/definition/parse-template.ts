/** Variable namespaces a template may read; anything else renders its fallback. */
export const TEMPLATE_ROOTS = ["contact", "attributes", "last_answer", "comment", "trigger"] as const;

export type TemplateSegment =
  | { kind: "text"; text: string }
  /** `{{ contact.name | there }}` → path ["contact", "name"], fallback "there" (null if none). */
  | { kind: "variable"; path: string[]; fallback: string | null; raw: string };

// `{{ root.key.sub | fallback }}`: dotted names only, fallback without braces. Anything else
// between braces stays literal text, so a template can never express more than a lookup.
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_-]+)*)\s*(?:\|([^{}]*))?\}\}/g;

/**
 * Splits a message template into literal text and variable lookups. Pure and total: malformed
 * placeholders are kept as text, never an error, so a half-typed template still renders.
 */
export function parseTemplate(template: string): TemplateSegment[] {
  const segments: TemplateSegment[] = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const start = match.index;
    if (start > last) segments.push({ kind: "text", text: template.slice(last, start) });
    const fallback = match[2] === undefined ? null : match[2].trim();
    segments.push({ kind: "variable", path: match[1].split("."), fallback, raw: match[0] });
    last = start + match[0].length;
  }
  if (last < template.length) segments.push({ kind: "text", text: template.slice(last) });
  return segments;
}
