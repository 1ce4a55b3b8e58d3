import "server-only";
import { z } from "zod";
import type { SessionUser } from "@/lib/auth/session";
import { AppError } from "@/lib/http/errors";
import { logger } from "@/lib/logger";
import {
  exchangeCodeForUserToken,
  exchangeForLongLivedToken,
  getMetaUser,
  getPageInstagramAccount,
  getPermissions,
  listManagedPages,
  MetaLoginError,
  type ManagedPage,
} from "@/lib/meta/graph-login";
import { clearCookie, isSecureOrigin, readCookie, serializeCookie } from "./cookies";
import { getInstagramOAuthConfig, getPublicOrigin } from "./instagram-config";
import { instagramSelectPath, instagramSettingsPath, type InstagramResult } from "./instagram-results";
import { checkPermissions } from "./instagram-scopes";
import { markOAuthStateUsed, OAUTH_NONCE_COOKIE, OAUTH_NONCE_COOKIE_PATH, OAuthStateError, verifyOAuthState } from "./oauth-state";
import { PENDING_COOKIE, PENDING_TTL_SECONDS, sealPendingSelection, type PendingPage } from "./pending-selection";
import { requireManagerMembership } from "./require-manager";

// GET /api/oauth/instagram/callback: Facebook sends the browser back here with `code` and
// `state`, or with `error=access_denied` when the person cancelled. Nothing is written to the
// database in this step: the token and the list of Pages go into the encrypted pending cookie,
// and only "Connect selected" stores anything.

const PAGE_LOOKUP_CONCURRENCY = 4;

const callbackQuerySchema = z.object({
  state: z.string().max(2048).optional(),
  code: z.string().min(1).max(2048).optional(),
  error: z.string().max(200).optional(),
  error_reason: z.string().max(200).optional(),
});

export type CallbackOutcome =
  /** Back to the app: the selection page, or the Instagram settings page with a result code. */
  | { kind: "redirect"; location: string; setCookies: string[] }
  /** Nowhere trustworthy to go back to (forged state, not a manager): an error to show. */
  | { kind: "error"; error: AppError; setCookies: string[] };

export type CompleteCallbackOptions = { req: Request; user: SessionUser };

/**
 * Verifies the state (signature, expiry, this browser's nonce cookie, the same user), then
 * exchanges the code for a long-lived user token, checks the granted permissions and lists the
 * Pages with their Instagram accounts. Never throws for an expected failure: every outcome is a
 * redirect with a result code or an error page, and every outcome deletes the nonce cookie.
 */
export async function completeInstagramCallback({ req, user }: CompleteCallbackOptions): Promise<CallbackOutcome> {
  const origin = getPublicOrigin({ req });
  const secure = isSecureOrigin(origin);
  const setCookies = [clearCookie({ name: OAUTH_NONCE_COOKIE, path: OAUTH_NONCE_COOKIE_PATH, secure })];
  const fail = (error: AppError): CallbackOutcome => ({ kind: "error", error, setCookies });
  const back = (slug: string, result: InstagramResult, params: Record<string, string> = {}): CallbackOutcome => ({
    kind: "redirect",
    location: `${origin}${instagramSettingsPath(slug, result, params)}`,
    setCookies,
  });

  const query = callbackQuerySchema.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!query.success) return fail(new AppError({ code: "bad_request", message: "This Facebook login answer is malformed. Start again from Settings → Channels." }));
  const { state, code, error } = query.data;

  let workspaceId: string;
  let nonce: string;
  try {
    ({ workspaceId, nonce } = await verifyOAuthState({ state, nonceCookie: readCookie(req, OAUTH_NONCE_COOKIE), userId: user.id }));
  } catch (caught) {
    if (!(caught instanceof OAuthStateError)) throw caught;
    logger.warn({ userId: user.id, reason: caught.reason }, "instagram connect: OAuth state refused");
    // An expired (but genuine) state knows its workspace: go back there with the reason.
    if (caught.reason === "expired" && caught.workspaceId) {
      const membership = await findManagerWorkspace(user.id, caught.workspaceId);
      if (membership) return back(membership.slug, "expired");
    }
    return fail(new AppError({ code: caught.reason === "user_mismatch" ? "forbidden" : "bad_request", message: caught.message }));
  }
  if (!markOAuthStateUsed(nonce)) {
    return fail(new AppError({ code: "bad_request", message: "This Facebook login was already used. Start again from Settings → Channels." }));
  }

  let slug: string;
  try {
    ({ workspace: { slug } } = await requireManagerMembership({ userId: user.id, workspaceId }));
  } catch (caught) {
    if (caught instanceof AppError) return fail(caught);
    throw caught;
  }

  if (error) {
    logger.info({ workspaceId, error, reason: query.data.error_reason }, "instagram connect: the Facebook login returned an error");
    return back(slug, error === "access_denied" ? "cancelled" : "facebook_error");
  }
  if (!code) return fail(new AppError({ code: "bad_request", message: "Facebook sent no login code. Start again from Settings → Channels." }));

  try {
    const config = getInstagramOAuthConfig({ req });
    const app = { appId: config.appId, appSecret: config.appSecret };
    const shortLived = await exchangeCodeForUserToken({ app, code, redirectUri: config.redirectUri });
    const longLived = await exchangeForLongLivedToken({ app, shortLivedToken: shortLived.accessToken });
    const permissions = checkPermissions(await getPermissions(longLived.accessToken));
    if (permissions.missingRequired.length > 0) {
      logger.info({ workspaceId, missing: permissions.missingRequired }, "instagram connect: required permissions not granted; nothing stored");
      return back(slug, "missing_permissions", { missing: permissions.missingRequired.join(",") });
    }
    const metaUser = await getMetaUser(longLived.accessToken);
    const pages = await describePages(await listManagedPages(longLived.accessToken));
    if (pages.length === 0) return back(slug, "no_pages");

    const { value, pending } = sealPendingSelection({
      userId: user.id,
      workspaceId,
      metaUserId: metaUser.id,
      metaUserName: metaUser.name ?? null,
      userToken: longLived.accessToken,
      userTokenExpiresAt: longLived.expiresAt?.getTime() ?? null,
      grantedScopes: permissions.granted,
      missingOptionalScopes: permissions.missingOptional,
      pages,
    });
    logger.info({ workspaceId, pages: pending.pages.length, omitted: pending.omittedInstagramAccounts }, "instagram connect: waiting for the account selection");
    setCookies.push(serializeCookie({ name: PENDING_COOKIE, value, maxAge: PENDING_TTL_SECONDS, secure }));
    return { kind: "redirect", location: `${origin}${instagramSelectPath(slug)}`, setCookies };
  } catch (caught) {
    if (caught instanceof MetaLoginError) return back(slug, caught.kind === "retry" ? "facebook_unavailable" : "facebook_refused");
    if (caught instanceof AppError) return fail(caught);
    throw caught;
  }
}

async function findManagerWorkspace(userId: string, workspaceId: string) {
  try {
    return (await requireManagerMembership({ userId, workspaceId })).workspace;
  } catch {
    return null;
  }
}

/** Each Page with its Instagram professional account (a few lookups at a time). */
async function describePages(pages: ManagedPage[]): Promise<PendingPage[]> {
  const described: PendingPage[] = new Array(pages.length);
  let next = 0;
  async function worker() {
    while (next < pages.length) {
      const index = next++;
      const page = pages[index];
      // Without a Page token the person cannot manage messages there: listed, not selectable.
      const instagram = page.accessToken ? await getPageInstagramAccount({ pageId: page.id, pageToken: page.accessToken }) : null;
      described[index] = { id: page.id, name: page.name, instagram: instagram ? { id: instagram.id, username: instagram.username, name: instagram.name } : null };
    }
  }
  await Promise.all(Array.from({ length: Math.min(PAGE_LOOKUP_CONCURRENCY, pages.length) }, worker));
  return described;
}
