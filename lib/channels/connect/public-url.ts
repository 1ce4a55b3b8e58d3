import "server-only";

/**
 * The public origin providers call back: NEXTAUTH_URL (the Twilio signature check computes
 * URLs from it too), or the request's own origin when it is not set (local development).
 */
export function getPublicBaseUrl(req: Request): string {
  const configured = process.env.NEXTAUTH_URL;
  return (configured ? configured : new URL(req.url).origin).replace(/\/+$/, "");
}
