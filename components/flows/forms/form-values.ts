// Reading and writing a draft block's `data`, which may be half-filled or of an older shape:
// readers never throw, writers copy (the undo history keeps the old objects).

export type Path = readonly (string | number)[];

export function readRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function readString(value: unknown): string {
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : "";
}

export function readList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function readStrings(value: unknown): string[] {
  return readList(value).map(readString);
}

/** A number field's text: "" for missing. */
export function readNumberText(value: unknown): string {
  return typeof value === "number" && Number.isFinite(value) ? String(value) : "";
}

/** "" → undefined (the field is optional), else the number (NaN kept out: validation reports the field). */
export function parseNumberText(text: string): number | undefined {
  if (text.trim() === "") return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** Optional text: empty → the key is removed, so "not set" and "empty" are one state. */
export function optionalText(text: string): string | undefined {
  return text === "" ? undefined : text;
}

/** A copy of `target` with `value` at `path`; undefined removes the key. Missing objects on the way are created. */
export function setIn(target: Record<string, unknown>, path: Path, value: unknown): Record<string, unknown> {
  const [key, ...rest] = path;
  if (key === undefined) return target;
  const name = String(key);
  const next = { ...target };
  if (rest.length === 0) {
    if (value === undefined) delete next[name];
    else next[name] = value;
    return next;
  }
  next[name] = setIn(readRecord(target[name]), rest, value);
  return next;
}

/** A copy of `list` with the item at `index` replaced. */
export function replaceAt<T>(list: readonly T[], index: number, item: T): T[] {
  return list.map((old, at) => (at === index ? item : old));
}

/** A copy of `list` without the item at `index`. */
export function removeAt<T>(list: readonly T[], index: number): T[] {
  return list.filter((_, at) => at !== index);
}
