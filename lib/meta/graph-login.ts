import "server-only";
import { z } from "zod";
import { buildGraphUrl } from "@/lib/channels/config";
import { requestProvider, type ProviderResponse } from "@/lib/channels/http";
import { ProviderError, redactSecrets } from "@/lib/channels/provider-error";
import { AppError } from "@/lib/http/errors";
import { logger } from "@/lib/logger";
import type { PermissionGrant } from "@/lib/oauth/instagram-scopes";
import { PAGE_SUBSCRIBED_FIELDS_PARAM } from "./subscribed-fields";

// The Graph API calls of the Facebook Login connection (Meta docs: "Manually Build a Login
// Flow", "Long-Lived Access Tokens", "Pages API: get Page access tokens", "Instagram API with
// Facebook Login: get the IG user of a Page", "Page Subscribed Apps"). Tokens travel in the
// Authorization header; the app secret and the code only in the query of the token endpoint,
// where Meta requires them, and every error is scrubbed of them before it is logged or thrown.

const MAX_ACCOUNT_PAGES = 50;

/** The app credentials the token endpoints need. */
export type MetaAppCredentials = { appId: string; appSecret: string };

/** A failed Graph call of the login flow, with a message for the person connecting. */
export class MetaLoginError extends AppError {
  readonly graphCode?: string;
  readonly kind: "reauth" | "retry" | "permanent";

  constructor({ message, graphCode, kind }: { message: string; graphCode?: string; kind: "reauth" | "retry" | "permanent" }) {
    super({ code: "provider_error", message });
    this.name = "MetaLoginError";
    this.graphCode = graphCode;
    this.kind = kind;
  }
}

const graphErrorSchema = z.looseObject({
  error: z.looseObject({
    message: z.string().optional(),
    code: z.union([z.number(), z.string()]).optional(),
    error_subcode: z.union([z.number(), z.string()]).optional(),
    error_user_msg: z.string().optional(),
  }),
});

type GraphCallOptions = {
  /** What was being done, for the message: "exchanging the login code". */
  step: string;
  url: string;
  method?: "GET" | "POST";
  token?: string;
  form?: URLSearchParams;
  secrets: string[];
};

async function callGraph({ step, url, method = "GET", token, form, secrets }: GraphCallOptions): Promise<unknown> {
  let response: ProviderResponse;
  try {
    response = await requestProvider({ url, method, form, headers: token ? { Authorization: `Bearer ${token}` } : {}, secrets });
  } catch (error) {
    const detail = error instanceof ProviderError ? error.code : "network_error";
    logger.warn({ step, detail }, "Facebook login: Graph API unreachable");
    throw new MetaLoginError({ kind: "retry", message: `Couldn't reach Facebook while ${step}; try again in a moment` });
  }
  if (response.ok) return response.body;
  throw toLoginError({ step, response, secrets });
}

function toLoginError({ step, response, secrets }: { step: string; response: ProviderResponse; secrets: string[] }): MetaLoginError {
  const parsed = graphErrorSchema.safeParse(response.body);
  const code = parsed.success && parsed.data.error.code !== undefined ? String(parsed.data.error.code) : undefined;
  const providerMessage = parsed.success && parsed.data.error.message ? redactSecrets(parsed.data.error.message, secrets) : undefined;
  logger.warn({ step, status: response.status, graphCode: code, providerMessage }, "Facebook login: Graph API error");
  if (response.status >= 500 || response.status === 429 || code === "4" || code === "17" || code === "32" || code === "613") {
    return new MetaLoginError({ kind: "retry", graphCode: code, message: `Facebook had a temporary problem while ${step}; try again in a moment` });
  }
  if (code === "190" || code === "102") {
    return new MetaLoginError({ kind: "reauth", graphCode: code, message: `Facebook no longer accepts this login (it expired or was revoked) while ${step}; start again` });
  }
  if (code === "10" || code === "200" || code === "3" || (code !== undefined && Number(code) > 200 && Number(code) < 300)) {
    return new MetaLoginError({ kind: "reauth", graphCode: code, message: `Facebook refused a permission while ${step}; start again and grant every requested permission` });
  }
  const userMessage = parsed.success && parsed.data.error.error_user_msg ? redactSecrets(parsed.data.error.error_user_msg, secrets) : undefined;
  return new MetaLoginError({
    kind: "permanent",
    graphCode: code,
    message: userMessage ? `Facebook refused while ${step}: ${userMessage}` : `Facebook refused while ${step}${providerMessage ? `: ${providerMessage}` : ""}`,
  });
}

function parseOrThrow<T>(schema: z.ZodType<T>, body: unknown, step: string): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  logger.warn({ step }, "Facebook login: unexpected Graph API answer");
  throw new MetaLoginError({ kind: "retry", message: `Facebook sent an unexpected answer while ${step}; try again` });
}

const tokenSchema = z.object({ access_token: z.string().min(1), token_type: z.string().optional(), expires_in: z.coerce.number().int().nonnegative().optional() });

export type UserToken = { accessToken: string; /** null when Meta did not say (long-lived tokens normally last ~60 days). */ expiresAt: Date | null };

function expiresAtFrom(expiresIn: number | undefined, now: Date): Date | null {
  return expiresIn ? new Date(now.getTime() + expiresIn * 1000) : null;
}

export type ExchangeCodeOptions = { app: MetaAppCredentials; code: string; redirectUri: string; now?: Date };

/** GET /oauth/access_token?client_id&redirect_uri&client_secret&code: the short-lived user token. */
export async function exchangeCodeForUserToken({ app, code, redirectUri, now = new Date() }: ExchangeCodeOptions): Promise<UserToken> {
  const step = "exchanging the login code";
  const params = new URLSearchParams({ client_id: app.appId, redirect_uri: redirectUri, client_secret: app.appSecret, code });
  const body = await callGraph({ step, url: `${buildGraphUrl("oauth/access_token")}?${params}`, secrets: [app.appSecret, code] });
  const token = parseOrThrow(tokenSchema, body, step);
  return { accessToken: token.access_token, expiresAt: expiresAtFrom(token.expires_in, now) };
}

export type ExchangeLongLivedOptions = { app: MetaAppCredentials; shortLivedToken: string; now?: Date };

/** GET /oauth/access_token?grant_type=fb_exchange_token: a long-lived (~60 days) user token. */
export async function exchangeForLongLivedToken({ app, shortLivedToken, now = new Date() }: ExchangeLongLivedOptions): Promise<UserToken> {
  const step = "getting a long-lived token";
  const params = new URLSearchParams({ grant_type: "fb_exchange_token", client_id: app.appId, client_secret: app.appSecret, fb_exchange_token: shortLivedToken });
  const body = await callGraph({ step, url: `${buildGraphUrl("oauth/access_token")}?${params}`, secrets: [app.appSecret, shortLivedToken] });
  const token = parseOrThrow(tokenSchema, body, step);
  return { accessToken: token.access_token, expiresAt: expiresAtFrom(token.expires_in, now) };
}

const permissionsSchema = z.object({ data: z.array(z.object({ permission: z.string(), status: z.string() })) });

/** GET /me/permissions: every permission with its status (granted, declined, expired). */
export async function getPermissions(userToken: string): Promise<PermissionGrant[]> {
  const step = "checking the granted permissions";
  const body = await callGraph({ step, url: buildGraphUrl("me/permissions"), token: userToken, secrets: [userToken] });
  return parseOrThrow(permissionsSchema, body, step).data;
}

const meSchema = z.object({ id: z.string().min(1), name: z.string().optional() });

/** GET /me: the app-scoped id of the Facebook user (what deauthorize and data-deletion name). */
export async function getMetaUser(userToken: string): Promise<{ id: string; name?: string }> {
  const step = "reading your Facebook profile";
  const body = await callGraph({ step, url: `${buildGraphUrl("me")}?fields=id,name`, token: userToken, secrets: [userToken] });
  return parseOrThrow(meSchema, body, step);
}

const accountsSchema = z.object({
  data: z.array(z.looseObject({ id: z.string().min(1), name: z.string().default(""), access_token: z.string().min(1).optional(), tasks: z.array(z.string()).optional() })),
  paging: z.looseObject({ cursors: z.looseObject({ after: z.string().optional() }).optional(), next: z.string().optional() }).optional(),
});

export type ManagedPage = { id: string; name: string; accessToken: string | null; tasks: string[] };

/**
 * GET /me/accounts, following every page of results: the Pages the person can perform a task
 * on, each with its Page access token (derived from a long-lived user token, it does not expire).
 * The next page is requested with the `after` cursor rather than by following `paging.next`,
 * which would carry the token in its query string.
 */
export async function listManagedPages(userToken: string): Promise<ManagedPage[]> {
  const step = "listing your Facebook Pages";
  const pages: ManagedPage[] = [];
  let after: string | undefined;
  for (let round = 0; round < MAX_ACCOUNT_PAGES; round++) {
    const params = new URLSearchParams({ fields: "id,name,access_token,tasks", limit: "100" });
    if (after) params.set("after", after);
    const body = await callGraph({ step, url: `${buildGraphUrl("me/accounts")}?${params}`, token: userToken, secrets: [userToken] });
    const parsed = parseOrThrow(accountsSchema, body, step);
    for (const page of parsed.data) pages.push({ id: page.id, name: page.name, accessToken: page.access_token ?? null, tasks: page.tasks ?? [] });
    after = parsed.paging?.next ? parsed.paging.cursors?.after : undefined;
    if (!after || parsed.data.length === 0) break;
  }
  return pages;
}

const pageInstagramSchema = z.object({
  id: z.string().optional(),
  instagram_business_account: z
    .looseObject({ id: z.string().min(1), username: z.string().optional(), name: z.string().optional(), profile_picture_url: z.string().optional() })
    .optional(),
});

export type PageInstagramAccount = { id: string; username: string | null; name: string | null; pictureUrl: string | null };

export type GetPageInstagramAccountOptions = { pageId: string; pageToken: string };

/** GET /{page-id}?fields=instagram_business_account{…}: the Instagram professional account linked to the Page, or null. */
export async function getPageInstagramAccount({ pageId, pageToken }: GetPageInstagramAccountOptions): Promise<PageInstagramAccount | null> {
  const step = "reading the Instagram account of a Page";
  const params = new URLSearchParams({ fields: "instagram_business_account{id,username,name,profile_picture_url}" });
  const body = await callGraph({ step, url: `${buildGraphUrl(encodeURIComponent(pageId))}?${params}`, token: pageToken, secrets: [pageToken] });
  const account = parseOrThrow(pageInstagramSchema, body, step).instagram_business_account;
  if (!account) return null;
  return { id: account.id, username: account.username ?? null, name: account.name ?? null, pictureUrl: safePictureUrl(account.profile_picture_url) };
}

/** Only https (or, for local fakes, http) picture URLs are kept: they end up in an <img src>. */
function safePictureUrl(value: string | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:" ? url.toString() : null;
  } catch {
    return null;
  }
}

const successSchema = z.object({ success: z.literal(true) });

export type SubscribePageOptions = { pageId: string; pageToken: string };

/** POST /{page-id}/subscribed_apps: enables this app's webhooks for the Page (see subscribed-fields.ts). */
export async function subscribePage({ pageId, pageToken }: SubscribePageOptions): Promise<void> {
  const step = "turning on webhooks for the Page";
  const body = await callGraph({
    step,
    url: buildGraphUrl(`${encodeURIComponent(pageId)}/subscribed_apps`),
    method: "POST",
    token: pageToken,
    form: new URLSearchParams({ subscribed_fields: PAGE_SUBSCRIBED_FIELDS_PARAM }),
    secrets: [pageToken],
  });
  parseOrThrow(successSchema, body, step);
}

const debugTokenSchema = z.object({
  data: z.looseObject({ is_valid: z.boolean().optional(), expires_at: z.coerce.number().int().nonnegative().optional(), type: z.string().optional() }),
});

export type DebugTokenOptions = { app: MetaAppCredentials; token: string };

/**
 * GET /debug_token with the app token: when the token expires. Meta reports `expires_at: 0` for
 * tokens that never expire (Page tokens obtained with a long-lived user token). Returns
 * `undefined` when Meta could not tell (the caller keeps its documented default).
 */
export async function getTokenExpiry({ app, token }: DebugTokenOptions): Promise<Date | null | undefined> {
  const step = "checking the Page token";
  const appToken = `${app.appId}|${app.appSecret}`;
  try {
    const body = await callGraph({ step, url: `${buildGraphUrl("debug_token")}?${new URLSearchParams({ input_token: token })}`, token: appToken, secrets: [token, appToken, app.appSecret] });
    const parsed = debugTokenSchema.safeParse(body);
    if (!parsed.success || parsed.data.data.is_valid === false) return undefined;
    const expiresAt = parsed.data.data.expires_at;
    if (expiresAt === undefined) return undefined;
    return expiresAt === 0 ? null : new Date(expiresAt * 1000);
  } catch (error) {
    if (error instanceof MetaLoginError) return undefined;
    throw error;
  }
}
