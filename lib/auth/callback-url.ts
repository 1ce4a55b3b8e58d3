/**
 * Returns `value` when it is a same-origin relative path ("/x/y?z"), else `fallback`.
 * Rejects absolute URLs, protocol-relative "//host" and "/\host" (browsers treat a backslash
 * as a slash), so a crafted ?callbackUrl= can never send the user to another site.
 */
export function safeCallbackUrl(value: string | null | undefined, fallback = "/"): string {
  if (!value || value.length > 2000) return fallback;
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return fallback;
  if (/[\u0000-\u001f\\]/.test(value)) return fallback;
  return value;
}
