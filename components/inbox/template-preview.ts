// The live preview of a WhatsApp template in the composer: the approved body with the agent's
// values in place of its {{1}} / {{name}} placeholders.

export type TemplatePart = { kind: "text"; text: string } | { kind: "value"; key: string; text: string } | { kind: "missing"; key: string; text: string };

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/**
 * Splits a template body into text, filled values and missing placeholders (shown as `{{key}}`),
 * so the preview can highlight what is still to fill. Values are trimmed; blank counts as missing.
 */
export function renderTemplateParts(text: string, values: Readonly<Record<string, string>>): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    if (match.index > last) parts.push({ kind: "text", text: text.slice(last, match.index) });
    const key = match[1];
    const value = values[key]?.trim();
    parts.push(value ? { kind: "value", key, text: value } : { kind: "missing", key, text: match[0] });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push({ kind: "text", text: text.slice(last) });
  return parts;
}

/** The body as the customer would read it (missing placeholders left as `{{key}}`). */
export function renderTemplate(text: string, values: Readonly<Record<string, string>>): string {
  return renderTemplateParts(text, values)
    .map((part) => part.text)
    .join("");
}

/** The variables still empty, in the template's order. */
export function missingVariables(variables: readonly string[], values: Readonly<Record<string, string>>): string[] {
  return variables.filter((key) => !values[key]?.trim());
}
