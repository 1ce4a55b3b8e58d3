import "server-only";
import { parseCookies } from "@/lib/auth/session";

// Set-Cookie values for the OAuth round trip. Route handlers return plain Responses, so the
// header is written here rather than through next/headers (which needs Next's request scope).

export type SerializeCookieOptions = {
  name: string;
  value: string;
  /** Seconds; 0 deletes the cookie. */
  maxAge: number;
  path?: string;
  /** Secure cookies only travel over HTTPS: on when the app's public origin is https. */
  secure: boolean;
};

/**
 * An httpOnly, SameSite=Lax cookie. Lax (not Strict) on purpose: the browser comes back from
 * facebook.com with a top-level GET navigation, which carries Lax cookies but not Strict ones.
 */
export function serializeCookie({ name, value, maxAge, path = "/", secure }: SerializeCookieOptions): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, `Path=${path}`, `Max-Age=${Math.max(0, Math.floor(maxAge))}`, "HttpOnly", "SameSite=Lax"];
  if (maxAge <= 0) parts.push("Expires=Thu, 01 Jan 1970 00:00:00 GMT");
  if (secure) parts.push("Secure");
  return parts.join("; ");
}

/** A Set-Cookie value that deletes the cookie (same name and path as when it was set). */
export function clearCookie({ name, path = "/", secure }: Omit<SerializeCookieOptions, "value" | "maxAge">): string {
  return serializeCookie({ name, value: "", maxAge: 0, path, secure });
}

/** One cookie of a request, or undefined. */
export function readCookie(req: Request, name: string): string | undefined {
  return parseCookies(req.headers.get("cookie")).get(name);
}

/** Secure cookies when the public origin is https (localhost over http keeps working). */
export function isSecureOrigin(origin: string): boolean {
  return origin.startsWith("https://");
}
