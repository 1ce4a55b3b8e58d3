import type { ZodError } from "zod";

/** Form errors by API field path ("content.variables.1", "schedule.at"), as the API's 422 names them. */
export type FieldErrors = Record<string, string>;

/** The error of a field, or of anything under it ("audience.tags" shows "audience.tags.values.0"). */
export function errorAt(errors: FieldErrors, field: string): string | undefined {
  if (errors[field]) return errors[field];
  const nested = Object.keys(errors).find((key) => key.startsWith(`${field}.`));
  return nested ? errors[nested] : undefined;
}

/** Zod issues as field errors, in the API's wording ("name is required"). */
export function fieldErrorsFromZod(error: ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = issue.path.map(String).join(".");
    errors[field] ??= issue.message;
  }
  return errors;
}
