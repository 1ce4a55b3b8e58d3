import { FLOW_LIMITS } from "./flow-limits";

export type JsonPathSegment = string | number;

const SEGMENT = /^([A-Za-z0-9_$-]+)?((?:\[\d{1,6}\])*)$/;

/**
 * Parses the small JSON-path dialect of the HTTP block: `data.items[0].name`, optionally
 * prefixed with `$.`. Only property names and array indices: no wildcards, filters or
 * expressions, so reading a response can never run code or blow up. Returns null when the
 * path is not in that dialect.
 */
export function parseJsonPath(path: string): JsonPathSegment[] | null {
  if (path.length === 0 || path.length > FLOW_LIMITS.jsonPathLength) return null;
  const body = path === "$" ? "" : path.startsWith("$.") ? path.slice(2) : path.startsWith("$[") ? path.slice(1) : path;
  if (body === "") return [];
  const segments: JsonPathSegment[] = [];
  for (const part of body.split(".")) {
    const match = SEGMENT.exec(part);
    if (!match || (match[1] === undefined && match[2] === "")) return null;
    if (match[1] !== undefined) segments.push(match[1]);
    for (const index of match[2].matchAll(/\[(\d+)\]/g)) segments.push(Number(index[1]));
  }
  return segments;
}
