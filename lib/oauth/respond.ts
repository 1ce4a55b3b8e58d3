import "server-only";
import { AppError, errorStatus } from "@/lib/http/errors";
import { errorResponse } from "@/lib/http/respond";
import { getSessionUser, type SessionUser } from "@/lib/auth/session";
import { getPublicOrigin } from "./instagram-config";

// The OAuth routes are opened by a browser (a link, Facebook's redirect) and sometimes by
// scripts and tests. Browsers get a redirect or a small HTML page they can read; anything else
// gets the usual JSON error shape.

/** True when the caller is a browser navigation (it accepts HTML). */
export function wantsHtml(req: Request): boolean {
  return /\btext\/html\b/i.test(req.headers.get("accept") ?? "");
}

export type RedirectOptions = { location: string; setCookies?: string[] };

/** 303 See Other: the browser follows with a GET whatever the original method. */
export function redirectResponse({ location, setCookies = [] }: RedirectOptions): Response {
  const headers = new Headers({ Location: location, "Cache-Control": "no-store" });
  for (const cookie of setCookies) headers.append("Set-Cookie", cookie);
  return new Response(null, { status: 303, headers });
}

export type MessagePageOptions = {
  status: number;
  title: string;
  message: string;
  /** Where "Back" goes; the app's home when omitted. */
  backHref?: string;
  backLabel?: string;
  setCookies?: string[];
};

/** A self-contained HTML page (no app shell: the error may come before any workspace is known). */
export function messagePageResponse({ status, title, message, backHref = "/", backLabel = "Back to Switchboard", setCookies = [] }: MessagePageOptions): Response {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Switchboard</title>
<style>body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#f8fafc;color:#0f172a;margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center;padding:1rem}
main{max-width:32rem;background:#fff;border:1px solid #e2e8f0;border-radius:.75rem;padding:1.5rem;box-shadow:0 1px 2px rgba(0,0,0,.05)}
h1{font-size:1.125rem;margin:0 0 .5rem}p{color:#475569;line-height:1.5;margin:0 0 1rem}a{color:#4f46e5;font-weight:500}</style></head>
<body><main><h1>${escapeHtml(title)}</h1><p role="alert">${escapeHtml(message)}</p><a href="${escapeHtml(backHref)}">${escapeHtml(backLabel)}</a></main></body></html>`;
  const headers = new Headers({ "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
  for (const cookie of setCookies) headers.append("Set-Cookie", cookie);
  return new Response(html, { status, headers });
}

/** An error as HTML for browsers, as the JSON error shape otherwise. */
export function oauthErrorResponse(req: Request, error: unknown, { backHref, setCookies = [] }: { backHref?: string; setCookies?: string[] } = {}): Response {
  if (wantsHtml(req) && error instanceof AppError) {
    return messagePageResponse({ status: errorStatus[error.code], title: "Couldn't connect Instagram", message: error.message, backHref, setCookies });
  }
  const response = errorResponse(error);
  for (const cookie of setCookies) response.headers.append("Set-Cookie", cookie);
  return response;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

type BrowserHandler = (req: Request, user: SessionUser) => Promise<Response>;

/**
 * Wraps a route a browser navigates to: without a session, browsers are sent to /login (and
 * back here afterwards), other callers get 401 JSON; thrown errors become an HTML page for
 * browsers and the JSON error shape otherwise.
 */
export function withBrowserSession(handler: BrowserHandler) {
  return async (req: Request): Promise<Response> => {
    try {
      const user = await getSessionUser(req);
      if (!user) {
        if (!wantsHtml(req)) throw new AppError({ code: "unauthorized", message: "Sign in first" });
        const url = new URL(req.url);
        return redirectResponse({ location: `${getPublicOrigin({ req })}/login?${new URLSearchParams({ callbackUrl: `${url.pathname}${url.search}` })}` });
      }
      return await handler(req, user);
    } catch (error) {
      return oauthErrorResponse(req, error);
    }
  };
}
