import { parseTemplate } from "@/lib/flows/definition/parse-template";
import { ownProperty } from "./own-property";

export type RenderTemplateOptions = {
  template: string;
  /** `{ contact: {...}, attributes: {...}, last_answer, comment: {...}, trigger: {...} }` */
  scope: Record<string, unknown>;
  /**
   * How values (not the template's own text) are escaped: "url" for a URL path or query,
   * "json" inside a JSON string literal of a body, "header" strips line breaks.
   */
  escape?: "none" | "url" | "json" | "header";
};

/**
 * Renders `{{path}}` and `{{path|fallback}}` placeholders by plain property lookup in `scope`.
 * Never evaluates anything: only own properties of plain objects are read (no prototype keys
 * such as `constructor`), only strings, numbers and booleans render, and a missing, empty or
 * non-scalar value renders the fallback (or nothing).
 */
export function renderTemplate({ template, scope, escape = "none" }: RenderTemplateOptions): string {
  let out = "";
  for (const segment of parseTemplate(template)) {
    if (segment.kind === "text") {
      out += segment.text;
      continue;
    }
    const value = lookup(scope, segment.path);
    const text = value === null || value.trim() === "" ? (segment.fallback ?? "") : value;
    out += escapeValue(text, escape);
  }
  return out;
}

function lookup(scope: unknown, path: string[]): string | null {
  let current: unknown = scope;
  for (const key of path) {
    current = ownProperty(current, key);
  }
  if (typeof current === "string") return current;
  if (typeof current === "number" && Number.isFinite(current)) return String(current);
  if (typeof current === "boolean") return current ? "true" : "false";
  return null;
}

function escapeValue(text: string, escape: RenderTemplateOptions["escape"]): string {
  switch (escape) {
    case "url":
      return encodeURIComponent(text);
    case "json":
      return JSON.stringify(text).slice(1, -1);
    case "header":
      return text.replace(/[\r\n\0]+/g, " ");
    default:
      return text;
  }
}
