import "server-only";
import { getToken } from "next-auth/jwt";
import { prisma } from "@/lib/db/client";

export type SessionUser = { id: string; email: string; name: string };

/**
 * Reads the next-auth session cookie of a Request and returns the user it names, or null.
 * The user row is loaded every time so a deleted account loses access at once.
 */
export async function getSessionUser(req: Request): Promise<SessionUser | null> {
  const cookies = parseCookies(req.headers.get("cookie"));
  if (cookies.size === 0) return null;
  // Only the cookie is consulted: a Bearer header is an API key, never a session.
  const token = await getToken({ req: { cookies, headers: {} } as never, secret: process.env.NEXTAUTH_SECRET });
  if (!token?.sub) return null;
  return prisma.user.findUnique({ where: { id: token.sub }, select: { id: true, email: true, name: true } });
}

export function parseCookies(header: string | null): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const part of header.split(";")) {
    const index = part.indexOf("=");
    if (index <= 0) continue;
    const name = part.slice(0, index).trim();
    const value = part.slice(index + 1).trim();
    try {
      cookies.set(name, decodeURIComponent(value));
    } catch {
      cookies.set(name, value);
    }
  }
  return cookies;
}
