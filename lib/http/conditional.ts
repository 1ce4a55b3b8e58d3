import { createHash } from "node:crypto";

/**
 * A JSON answer with an ETag computed from the body, or 304 with no body when the request's
 * If-None-Match already names it: a poll of data that did not change costs a few bytes.
 * `private, no-cache`: a browser may keep the body but must revalidate it every time.
 */
export function conditionalJson(req: Request, body: unknown): Response {
  const text = JSON.stringify(body);
  const etag = `"${createHash("sha256").update(text).digest("base64url")}"`;
  const headers = { ETag: etag, "Cache-Control": "private, no-cache" };
  if (matchesIfNoneMatch(req.headers.get("if-none-match"), etag)) return new Response(null, { status: 304, headers });
  return new Response(text, { headers: { ...headers, "Content-Type": "application/json" } });
}

/** RFC 9110 weak comparison: `W/"x"` matches `"x"`; `*` matches anything. */
export function matchesIfNoneMatch(header: string | null, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((tag) => {
    const value = tag.trim();
    return value === "*" || value.replace(/^W\//, "") === etag;
  });
}
