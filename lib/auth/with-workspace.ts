import "server-only";
import { prisma } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { errorResponse } from "@/lib/http/respond";
import { authenticateApiKey } from "./api-keys";
import { clientAddress, consumeRateLimit } from "./rate-limit";
import { getSessionUser, type SessionUser } from "./session";
import type { RoleName } from "./schemas";

export type WorkspaceContext = {
  workspace: { id: string; slug: string; name: string };
  role: RoleName;
  /** The signed-in user; null when the request came with an API key. */
  user: SessionUser | null;
  apiKeyId: string | null;
  params: Record<string, string>;
};

type RouteContext = { params: Promise<Record<string, string | string[]>> };
type Handler = (req: Request, ctx: WorkspaceContext) => Promise<Response>;

export type WithWorkspaceOptions = {
  /** Roles allowed to call the route; every member when omitted. */
  roles?: readonly RoleName[];
  /** Session only: API keys may not call this route (account and key management). */
  sessionOnly?: boolean;
};

/**
 * Wraps a route handler: resolves the caller (session cookie or `Authorization: Bearer` API
 * key), the workspace (route param `slug`, else the `X-Workspace` header, else the API key's),
 * checks membership and role, and maps every thrown error to the JSON error shape.
 * 401 = not signed in / bad key; 403 = not a member or role not allowed.
 */
export function withWorkspace(handler: Handler, options: WithWorkspaceOptions = {}) {
  return async (req: Request, routeContext: RouteContext): Promise<Response> => {
    try {
      const params = flattenParams(await routeContext?.params);
      const ctx = await resolveWorkspaceContext(req, params, options);
      return await handler(req, ctx);
    } catch (error) {
      return errorResponse(error);
    }
  };
}

/** Wraps a route that needs a signed-in user but no workspace. */
export function withUser(handler: (req: Request, ctx: { user: SessionUser; params: Record<string, string> }) => Promise<Response>) {
  return async (req: Request, routeContext: RouteContext): Promise<Response> => {
    try {
      const user = await getSessionUser(req);
      if (!user) throw new AppError({ code: "unauthorized", message: "Sign in first" });
      return await handler(req, { user, params: flattenParams(await routeContext?.params) });
    } catch (error) {
      return errorResponse(error);
    }
  };
}

/** Wraps a public route: only the error mapping. */
/** withErrors plus a per-address rate limit, for unauthenticated callbacks (Meta's). */
export function withCallbackErrors(handler: (req: Request, ctx: { params: Record<string, string> }) => Promise<Response>) {
  return withErrors(async (req, ctx) => {
    await consumeRateLimit({ limiter: "metaCallback", key: clientAddress(req.headers) });
    return handler(req, ctx);
  });
}

export function withErrors(handler: (req: Request, ctx: { params: Record<string, string> }) => Promise<Response>) {
  return async (req: Request, routeContext: RouteContext): Promise<Response> => {
    try {
      return await handler(req, { params: flattenParams(await routeContext?.params) });
    } catch (error) {
      return errorResponse(error);
    }
  };
}

async function resolveWorkspaceContext(
  req: Request,
  params: Record<string, string>,
  { roles, sessionOnly }: WithWorkspaceOptions,
): Promise<WorkspaceContext> {
  const requestedSlug = params.slug ?? req.headers.get("x-workspace") ?? undefined;
  const authorization = req.headers.get("authorization");
  if (authorization) {
    const [scheme, key] = authorization.split(" ");
    if (scheme !== "Bearer" || !key) throw new AppError({ code: "unauthorized", message: "Use Authorization: Bearer <API key>" });
    const principal = await authenticateApiKey(key);
    await consumeRateLimit({ limiter: "apiKey", key: principal.apiKeyId });
    if (sessionOnly) throw new AppError({ code: "forbidden", message: "API keys cannot call this endpoint" });
    const workspace = await prisma.workspace.findUnique({
      where: { id: principal.workspaceId },
      select: { id: true, slug: true, name: true },
    });
    if (!workspace || (requestedSlug && requestedSlug !== workspace.slug)) throw noAccess();
    assertRole(principal.role, roles);
    return { workspace, role: principal.role, user: null, apiKeyId: principal.apiKeyId, params };
  }
  const user = await getSessionUser(req);
  if (!user) throw new AppError({ code: "unauthorized", message: "Sign in first" });
  await consumeRateLimit({ limiter: "session", key: user.id });
  if (!requestedSlug) throw new AppError({ code: "bad_request", message: "Name the workspace (X-Workspace header)" });
  const membership = await prisma.membership.findFirst({
    where: { userId: user.id, workspace: { slug: requestedSlug } },
    select: { role: true, workspace: { select: { id: true, slug: true, name: true } } },
  });
  // Same answer whether the workspace exists or not: nothing leaks about other tenants.
  if (!membership) throw noAccess();
  assertRole(membership.role, roles);
  return { workspace: membership.workspace, role: membership.role, user, apiKeyId: null, params };
}

function assertRole(role: RoleName, allowed?: readonly RoleName[]) {
  if (allowed && !allowed.includes(role)) {
    throw new AppError({ code: "forbidden", message: `This needs the ${allowed.join(" or ")} role` });
  }
}

function noAccess() {
  return new AppError({ code: "forbidden", message: "You do not have access to this workspace" });
}

function flattenParams(params: Record<string, string | string[]> | undefined): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(params ?? {})) flat[key] = Array.isArray(value) ? value.join("/") : value;
  return flat;
}
