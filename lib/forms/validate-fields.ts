import type { ZodType } from "zod";

export type FieldErrors<K extends string = string> = Partial<Record<K, string>>;

/**
 * Validates each field with its own schema and returns the first message per invalid field,
 * phrased for display ("Password must be at least 10 characters"). Used for instant
 * validation on blur and before submit; the server checks everything again.
 */
export function validateFields<K extends string>(
  fields: Record<K, { label: string; schema: ZodType; value: unknown }>,
): FieldErrors<K> {
  const errors: FieldErrors<K> = {};
  for (const name of Object.keys(fields) as K[]) {
    const message = validateField(fields[name]);
    if (message) errors[name] = message;
  }
  return errors;
}

/** The display message for one field, or undefined when it is valid. */
export function validateField({ label, schema, value }: { label: string; schema: ZodType; value: unknown }): string | undefined {
  const result = schema.safeParse(value);
  if (result.success) return undefined;
  // An empty field is "required", whatever rule its schema happens to check first.
  if (typeof value === "string" && value.trim() === "") return withLabel(label, "is required");
  return withLabel(label, result.error.issues[0]?.message ?? "is not valid");
}

/**
 * Phrases a message for display next to a field. The shared schemas word their messages to
 * follow the field name ("is required"), and the API prefixes zod messages with the field
 * ("password: is too common"); both become "Password is too common". Full sentences from
 * the server ("An account with this email already exists") are kept as they are.
 */
export function withLabel(label: string, message: string, field?: string): string {
  const bare = field && message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message;
  return /^(is|must|should|has|cannot|can't)\b/.test(bare) ? `${label} ${bare}` : bare;
}
