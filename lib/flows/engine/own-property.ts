/**
 * The value of an own data property of a plain (non-array) object, else undefined. Never reads
 * the prototype (`constructor`, `__proto__`) and never runs a getter, so a lookup driven by a
 * template or a JSON path cannot reach anything but the data itself.
 */
export function ownProperty(value: unknown, key: string): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  return Object.getOwnPropertyDescriptor(value, key)?.value;
}
