import { parseJsonPath } from "@/lib/flows/definition/parse-json-path";
import { ownProperty } from "./own-property";

export type ReadJsonPathOptions = { value: unknown; path: string };

/**
 * Reads `data.items[0].name` out of a parsed JSON value; undefined when the path is invalid or
 * leads nowhere. Only own properties of objects and indices of arrays are followed.
 */
export function readJsonPath({ value, path }: ReadJsonPathOptions): unknown {
  const segments = parseJsonPath(path);
  if (segments === null) return undefined;
  let current: unknown = value;
  for (const segment of segments) {
    if (typeof segment === "number") {
      if (!Array.isArray(current) || segment >= current.length) return undefined;
      current = current[segment];
    } else {
      current = ownProperty(current, segment);
    }
  }
  return current;
}
