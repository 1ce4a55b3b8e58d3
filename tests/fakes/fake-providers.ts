import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";

// A local stand-in for the Graph API (WhatsApp Cloud API, Instagram Messaging, Facebook Login)
// and Twilio's Messages API. It answers with the documented success bodies and the real error
// bodies (190 for a bad Meta token, 20003 for bad Twilio credentials), records every request,
// and can be told to fail, drop the connection or stall. Plain node:http and no test-runner
// imports, so vitest, Playwright and benchmarks can all use it:
//
//   const fake = await startFakeProviders();
//   process.env.GRAPH_API_URL = fake.graphUrl; process.env.TWILIO_API_URL = fake.twilioUrl;
//   fake.registerToken("EAA-test");
//
// Meta lives under `${url}/graph/{version}/…`, Twilio under `${url}/twilio/2010-04-01/…`, Twilio's
// Content API under `${url}/twilio-content/v1/…` (TWILIO_CONTENT_API_URL), and the Facebook Login
// dialog under `${url}/facebook/{version}/dialog/oauth` (FACEBOOK_DIALOG_URL).

export type RecordedRequest = {
  provider: "graph" | "twilio" | "twilio_content" | "facebook" | "unknown";
  method: string;
  /** Path below the provider prefix, e.g. `/v24.0/106540352242922/messages`. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** Parsed JSON, a form as `{ key: value }` (repeated keys as arrays), text, or null when empty. */
  body: unknown;
  receivedAt: Date;
  /** The HTTP status the fake answered (undefined until answered, or when the connection was dropped). */
  responseStatus?: number;
  /** The body it answered with. */
  responseBody?: unknown;
};

export type FailRule = {
  match: (request: RecordedRequest) => boolean;
  /** HTTP status of the injected answer (default 500). */
  status?: number;
  /** JSON body of the injected answer, e.g. a graph-errors fixture. */
  body?: unknown;
  headers?: Record<string, string>;
  /** How many matching requests fail (default 1; Infinity for all). */
  times?: number;
  /** Drop the connection without answering (a network failure). */
  destroy?: boolean;
  /** Wait this long first. Without status, body or destroy the request is then answered normally. */
  delayMs?: number;
};

export type DelayRule = { match?: (request: RecordedRequest) => boolean; ms: number; times?: number };

export type TokenInfo = { type?: "USER" | "PAGE" | "SYSTEM_USER"; appId?: string; userId?: string; userName?: string };
export type FakePhoneNumber = { id: string; displayPhoneNumber?: string; verifiedName?: string; qualityRating?: string };
export type FakePage = {
  id: string;
  name: string;
  accessToken: string;
  igAccountId?: string;
  /** The linked Instagram account's profile, for `instagram_business_account{id,username,name,profile_picture_url}`. */
  igUsername?: string;
  igName?: string;
  igPictureUrl?: string;
  category?: string;
  categoryId?: string;
  tasks?: string[];
};
/** The Facebook user who logs in through the fake dialog / code exchange (GET /me answers with it). */
export type FakeLoginUser = { id: string; name?: string };
export type FakeInstagramUser = {
  name?: string;
  username?: string;
  profile_pic?: string;
  follower_count?: number;
  is_verified_user?: boolean;
  is_user_follow_business?: boolean;
  is_business_follow_user?: boolean;
};
export type FakePermission = { permission: string; status: "granted" | "declined" | "expired" };
/** A WhatsApp message template as GET /{waba-id}/message_templates lists it. */
export type FakeTemplate = {
  id?: string;
  name: string;
  language: string;
  category?: string;
  status?: string;
  rejected_reason?: string;
  components?: unknown[];
};

/**
 * A Twilio Content template as GET /v1/ContentAndApprovals lists it. `approval_requests` is the
 * WhatsApp approval (`{ name, category, content_type, status, rejection_reason, allow_category_change }`),
 * null for a content never submitted to WhatsApp.
 */
export type FakeTwilioContent = {
  sid: string;
  friendly_name?: string;
  language: string;
  variables?: Record<string, string>;
  types: Record<string, unknown>;
  approval_requests?: Record<string, unknown> | null;
};

export type FakeProviders = {
  /** Origin of the fake, e.g. http://127.0.0.1:41234 */
  url: string;
  /** Value for GRAPH_API_URL. */
  graphUrl: string;
  /** Value for FACEBOOK_DIALOG_URL: the Facebook Login dialog at `${dialogUrl}/{version}/dialog/oauth`. */
  dialogUrl: string;
  /** Value for TWILIO_API_URL. */
  twilioUrl: string;
  /** Value for TWILIO_CONTENT_API_URL. */
  twilioContentUrl: string;
  /** Every request received, oldest first (including failed and unauthorised ones). */
  requests: RecordedRequest[];
  lastRequest(): RecordedRequest | undefined;
  registerToken(token: string, info?: TokenInfo): void;
  registerTwilioAccount(accountSid: string, authToken: string): void;
  /** When at least one app is registered, /oauth/access_token checks client_id/client_secret. */
  registerApp(appId: string, appSecret: string): void;
  registerPhoneNumber(phoneNumber: FakePhoneNumber): void;
  /** Adds a Page to /me/accounts and registers its Page token. */
  registerPage(page: FakePage): void;
  registerInstagramUser(igsid: string, profile: FakeInstagramUser): void;
  setPermissions(permissions: FakePermission[]): void;
  /** The Facebook user of tokens minted by /oauth/access_token from now on (default id 10160000000000001). */
  setLoginUser(user: FakeLoginUser): void;
  /** Page size of GET /me/accounts (default: the request's `limit`, else everything at once). */
  setAccountsPageSize(size: number | null): void;
  /** Forgets a Page (it no longer appears in /me/accounts and its token stops working). */
  removePage(pageId: string): void;
  /** Replaces the templates GET /{waba-id}/message_templates lists for this WABA (none by default). */
  setTemplates(wabaId: string, templates: FakeTemplate[]): void;
  /**
   * Replaces the Content templates GET /v1/ContentAndApprovals lists for this Twilio account
   * (none by default). Once an account has contents, its Messages API refuses an unknown
   * ContentSid with error 21655, as Twilio does.
   */
  setTwilioContents(accountSid: string, contents: FakeTwilioContent[]): void;
  failNext(rule: FailRule): void;
  delayNext(rule: DelayRule): void;
  /** Forgets requests, failure and delay rules; registrations stay. */
  reset(): void;
  /** Forgets the failure rules only (a provider problem was fixed). */
  clearFailures(): void;
  close(): Promise<void>;
};

export type StartFakeProvidersOptions = { port?: number; host?: string };

// Ids from Meta's own documentation examples (see tests/fixtures/oauth).
export const FAKE_DEFAULTS = {
  phoneNumberId: "106540352242922",
  wabaId: "102290129340398",
  pageId: "134895793791914",
  pageAccessToken: "EAAGm0PX4ZCpsBAExamplePageAccessToken1",
  igAccountId: "17841405822304914",
  secondPageId: "109876543210987",
  secondPageAccessToken: "EAAGm0PX4ZCpsBAExamplePageAccessToken2",
} as const;

const DEFAULT_PERMISSIONS: FakePermission[] = [
  { permission: "public_profile", status: "granted" },
  { permission: "pages_show_list", status: "granted" },
  { permission: "pages_manage_metadata", status: "granted" },
  { permission: "pages_messaging", status: "granted" },
  { permission: "instagram_basic", status: "granted" },
  { permission: "instagram_manage_messages", status: "granted" },
  { permission: "instagram_manage_comments", status: "declined" },
];

type Answer = { status: number; body: unknown; headers?: Record<string, string> };

/** Starts the fake on 127.0.0.1 (a random port unless given). Call `close()` when done. */
export async function startFakeProviders({ port = 0, host = "127.0.0.1" }: StartFakeProvidersOptions = {}): Promise<FakeProviders> {
  const requests: RecordedRequest[] = [];
  let failRules: (FailRule & { remaining: number })[] = [];
  let delayRules: (DelayRule & { remaining: number })[] = [];
  const tokens = new Map<string, TokenInfo>();
  const twilioAccounts = new Map<string, string>();
  const apps = new Map<string, string>();
  const phoneNumbers = new Map<string, FakePhoneNumber>();
  const pages = new Map<string, FakePage>();
  const instagramUsers = new Map<string, FakeInstagramUser>();
  const subscriptions = new Set<string>();
  const twilioMessages = new Map<string, Record<string, unknown>>();
  const templatesByWaba = new Map<string, FakeTemplate[]>();
  const twilioContents = new Map<string, FakeTwilioContent[]>();
  let permissions = DEFAULT_PERMISSIONS;
  let loginUser: FakeLoginUser = { id: "10160000000000001", name: "Fake User" };
  let accountsPageSize: number | null = null;
  // Authorization codes are single use, as on Meta (error 100 / subcode 36009 the second time).
  const usedCodes = new Set<string>();
  // Instagram allows one private reply per comment (error 10900 the second time).
  const privatelyReplied = new Set<string>();
  let counter = 0;

  const registerToken = (token: string, info: TokenInfo = {}) => void tokens.set(token, info);
  const registerPage = (page: FakePage) => {
    pages.set(page.id, page);
    registerToken(page.accessToken, { type: "PAGE" });
  };
  phoneNumbers.set(FAKE_DEFAULTS.phoneNumberId, { id: FAKE_DEFAULTS.phoneNumberId });
  registerPage({
    id: FAKE_DEFAULTS.pageId,
    name: "Metricsaurus",
    accessToken: FAKE_DEFAULTS.pageAccessToken,
    igAccountId: FAKE_DEFAULTS.igAccountId,
    igUsername: "metricsaurus",
    igName: "Metricsaurus",
    category: "Clothing (Brand)",
    categoryId: "2209",
  });
  registerPage({ id: FAKE_DEFAULTS.secondPageId, name: "Page Without Instagram", accessToken: FAKE_DEFAULTS.secondPageAccessToken, category: "Local business" });

  const nextId = () => `${++counter}${randomBytes(6).toString("hex")}`;
  const fbtrace = () => `A${randomBytes(8).toString("base64url")}`;

  // -------------------------------------------------------------------------------------------
  // Graph API

  const graphError = (status: number, error: Record<string, unknown>): Answer => ({ status, body: { error: { ...error, fbtrace_id: fbtrace() } } });
  const invalidToken = () => graphError(401, { message: "Invalid OAuth access token - Cannot parse access token", type: "OAuthException", code: 190 });
  const invalidParameter = (details: string) =>
    graphError(400, { message: "(#100) Invalid parameter", type: "OAuthException", code: 100, error_data: { messaging_product: "whatsapp", details } });
  const unsupportedRequest = (method: string, id: string) =>
    graphError(400, {
      message: `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
      type: "GraphMethodException",
      code: 100,
      error_subcode: 33,
    });

  function graphToken(request: RecordedRequest): string | undefined {
    const header = request.headers.authorization;
    const match = typeof header === "string" ? /^(?:Bearer|OAuth)\s+(.+)$/i.exec(header) : null;
    if (match) return match[1];
    if (request.query.access_token) return request.query.access_token;
    const body = request.body;
    if (body && typeof body === "object" && "access_token" in body && typeof body.access_token === "string") return body.access_token;
    return undefined;
  }

  function handleGraph(request: RecordedRequest): Answer {
    const segments = request.path.split("/").filter(Boolean);
    const version = segments[0] && /^v\d+\.\d+$/.test(segments[0]) ? segments.shift() : undefined;
    const [first, second] = segments;
    const method = request.method;

    // Facebook Login endpoints authenticate with the app's id and secret, not a bearer token.
    if (method === "GET" && first === "oauth" && second === "access_token") return oauthAccessToken(request);
    if (method === "GET" && first === "debug_token") return debugToken(request);

    const token = graphToken(request);
    if (!token || !tokens.has(token)) return invalidToken();

    if (method === "POST" && second === "messages" && segments.length === 2) return postMessage(request, first);
    if (method === "POST" && second === "replies" && segments.length === 2) return postCommentReply(request, first);
    if (second === "subscribed_apps" && segments.length === 2) {
      if (method === "POST") {
        subscriptions.add(first);
        return { status: 200, body: { success: true } };
      }
      if (method === "DELETE") {
        subscriptions.delete(first);
        return { status: 200, body: { success: true } };
      }
      if (method === "GET") return { status: 200, body: { data: subscriptions.has(first) ? [{ name: "Switchboard", id: "1234567890" }] : [] } };
    }
    if (method === "GET" && second === "message_templates" && segments.length === 2) return listTemplates(request, first, version);
    if (method === "GET" && first === "me" && second === "permissions") return { status: 200, body: { data: permissions } };
    if (method === "GET" && first === "me" && second === "accounts") return meAccounts(request, version);
    if (method === "GET" && first === "me" && segments.length === 1) {
      const info = tokens.get(token);
      const page = [...pages.values()].find((candidate) => candidate.accessToken === token);
      return { status: 200, body: page ? { id: page.id, name: page.name } : { id: info?.userId ?? "10160000000000001", name: info?.userName ?? "Fake User" } };
    }
    if (method === "GET" && segments.length === 1) return getObject(request, first);
    return graphError(400, { message: `Unknown path components: /${segments.join("/")}`, type: "OAuthException", code: 2500 });
  }

  function postMessage(request: RecordedRequest, accountId: string): Answer {
    const body = request.body;
    if (!body || typeof body !== "object") return invalidParameter("The request body must be JSON");
    if ("messaging_product" in body) {
      // WhatsApp Cloud API
      if (body.messaging_product !== "whatsapp") return invalidParameter("messaging_product must be whatsapp");
      if (!phoneNumbers.has(accountId)) return unsupportedRequest("POST", accountId);
      const to = "to" in body && typeof body.to === "string" ? body.to : undefined;
      if (!to) return invalidParameter("The parameter to is required.");
      if (!("type" in body) || typeof body.type !== "string") return invalidParameter("The parameter type is required.");
      const wamid = `wamid.${Buffer.from(`HBgL${to}FQIAERgS${nextId()}`).toString("base64")}`;
      return {
        status: 200,
        body: {
          messaging_product: "whatsapp",
          contacts: [{ input: to, wa_id: to.replace(/\D/g, "") }],
          messages: [{ id: wamid, ...(body.type === "template" ? { message_status: "accepted" } : {}) }],
        },
      };
    }
    // Instagram Messaging (Messenger Platform)
    const commentId = "recipient" in body && body.recipient && typeof body.recipient === "object" && "comment_id" in body.recipient ? body.recipient.comment_id : undefined;
    if (commentId !== undefined) return postPrivateReply(body, accountId, commentId);
    const recipient = "recipient" in body && body.recipient && typeof body.recipient === "object" && "id" in body.recipient ? body.recipient.id : undefined;
    if (typeof recipient !== "string") return graphError(400, { message: "(#100) The parameter recipient is required", type: "OAuthException", code: 100 });
    if (!("message" in body) || !body.message || typeof body.message !== "object") {
      return graphError(400, { message: "(#100) param message must be non-empty.", type: "OAuthException", code: 100 });
    }
    const mid = Buffer.from(`ig_message_item:1:IGMessageThread:${accountId}:${nextId()}`).toString("base64");
    return { status: 200, body: { recipient_id: recipient, message_id: mid } };
  }

  // Private reply (Send API with `recipient.comment_id`): one per comment, answered like a DM.
  function postPrivateReply(body: object, accountId: string, commentId: unknown): Answer {
    if (typeof commentId !== "string" || !/^\d+$/.test(commentId)) return graphError(400, { message: "(#100) Invalid parameter", type: "OAuthException", code: 100 });
    if (!("message" in body) || !body.message || typeof body.message !== "object") {
      return graphError(400, { message: "(#100) param message must be non-empty.", type: "OAuthException", code: 100 });
    }
    if (privatelyReplied.has(commentId)) return graphError(400, { message: "(#10900) Activity already replied to", type: "OAuthException", code: 10900 });
    privatelyReplied.add(commentId);
    const mid = Buffer.from(`ig_message_item:1:IGMessageThread:${accountId}:${nextId()}`).toString("base64");
    return { status: 200, body: { recipient_id: `1${commentId.slice(-15).padStart(15, "0")}`, message_id: mid } };
  }

  // IG Comment Replies: POST /{ig-comment-id}/replies?message=… (also accepted in the body).
  function postCommentReply(request: RecordedRequest, commentId: string): Answer {
    if (!/^\d+$/.test(commentId)) return unsupportedRequest("POST", commentId);
    const body = request.body && typeof request.body === "object" ? (request.body as Record<string, unknown>) : {};
    const message = typeof body.message === "string" ? body.message : request.query.message;
    if (!message) return graphError(400, { message: "(#100) The parameter message is required", type: "OAuthException", code: 100 });
    return { status: 200, body: { id: `178${String(Date.now()).slice(-10)}${String(++counter).padStart(4, "0")}` } };
  }

  // Cursor paging like Graph's: `after` is an opaque cursor, `paging.next` a full URL that
  // repeats the query (without a token when it came in the Authorization header).
  function listTemplates(request: RecordedRequest, wabaId: string, version: string | undefined): Answer {
    const all = templatesByWaba.get(wabaId) ?? [];
    const limit = Math.max(1, Math.min(Number(request.query.limit) || 25, 1000));
    const start = request.query.after ? Number(Buffer.from(request.query.after, "base64url").toString("utf8")) || 0 : 0;
    const fields = (request.query.fields ?? "name,language,status,category,id").split(",").filter(Boolean);
    const data = all.slice(start, start + limit).map((template, index) => {
      const full: Record<string, unknown> = { status: "APPROVED", category: "UTILITY", components: [], ...template, id: template.id ?? String(900_000_000_000_000 + start + index) };
      return Object.fromEntries([...fields, "id"].flatMap((field) => (full[field] === undefined ? [] : [[field, full[field]]])));
    });
    const cursor = (index: number) => Buffer.from(String(index)).toString("base64url");
    const paging: Record<string, unknown> = { cursors: { before: cursor(start), after: cursor(start + data.length) } };
    if (start + limit < all.length) {
      const query = new URLSearchParams({ ...request.query, after: cursor(start + limit) });
      const host = typeof request.headers.host === "string" ? request.headers.host : "127.0.0.1";
      paging.next = `http://${host}/graph/${version ? `${version}/` : ""}${wabaId}/message_templates?${query}`;
    }
    return { status: 200, body: { data, paging } };
  }

  // Without `limit` (and without setAccountsPageSize) every Page comes at once, with the fixed
  // cursors of the fixture; otherwise Graph-style cursor paging with `paging.next`.
  function meAccounts(request: RecordedRequest, version: string | undefined): Answer {
    const all = [...pages.values()];
    const size = accountsPageSize ?? (Number(request.query.limit) || null);
    const start = request.query.after ? Number(Buffer.from(request.query.after, "base64url").toString("utf8")) || 0 : 0;
    const slice = size ? all.slice(start, start + size) : all;
    const cursor = (index: number) => Buffer.from(String(index)).toString("base64url");
    const paging: Record<string, unknown> = size
      ? { cursors: { before: cursor(start), after: cursor(start + slice.length) } }
      : { cursors: { before: "QVFIUmxtRXN0ZAkJCZA2h6Y0ZA", after: "QVFIUkRwSUpMZAzBoZAWZAPWEZA" } };
    if (size && start + size < all.length) {
      const host = typeof request.headers.host === "string" ? request.headers.host : "127.0.0.1";
      paging.next = `http://${host}/graph/${version ? `${version}/` : ""}me/accounts?${new URLSearchParams({ ...request.query, after: cursor(start + size) })}`;
    }
    return {
      status: 200,
      body: {
        data: slice.map((page) => ({
          access_token: page.accessToken,
          category: page.category ?? "Local business",
          category_list: [{ id: page.categoryId ?? "2500", name: page.category ?? "Local business" }],
          name: page.name,
          id: page.id,
          tasks: page.tasks ?? ["ADVERTISE", "ANALYZE", "CREATE_CONTENT", "MESSAGING", "MODERATE", "MANAGE"],
          ...(page.igAccountId ? { instagram_business_account: { id: page.igAccountId } } : {}),
        })),
        paging,
      },
    };
  }

  /** `a,b{c,d},e` → ["a", "b{c,d}", "e"]: commas inside braces belong to the nested field. */
  function splitFields(value: string): string[] {
    const fields: string[] = [];
    let depth = 0;
    let current = "";
    for (const char of value) {
      if (char === "{") depth++;
      if (char === "}") depth--;
      if (char === "," && depth === 0) {
        if (current) fields.push(current);
        current = "";
      } else current += char;
    }
    if (current) fields.push(current);
    return fields;
  }

  function pageInstagramAccount(page: FakePage, nested: string[]): Record<string, unknown> | undefined {
    if (!page.igAccountId) return undefined;
    const all: Record<string, unknown> = {
      id: page.igAccountId,
      username: page.igUsername,
      name: page.igName,
      profile_picture_url: page.igPictureUrl,
    };
    const wanted = nested.length ? nested : ["id"];
    return Object.fromEntries([...wanted, "id"].flatMap((field) => (all[field] === undefined ? [] : [[field, all[field]]])));
  }

  function getObject(request: RecordedRequest, id: string): Answer {
    const fields = splitFields(request.query.fields ?? "");
    const phone = phoneNumbers.get(id);
    if (phone) {
      return {
        status: 200,
        body: {
          verified_name: phone.verifiedName ?? "Switchboard Test",
          code_verification_status: "VERIFIED",
          display_phone_number: phone.displayPhoneNumber ?? "+1 555-078-3881",
          quality_rating: phone.qualityRating ?? "GREEN",
          platform_type: "CLOUD_API",
          throughput: { level: "STANDARD" },
          id: phone.id,
        },
      };
    }
    const page = pages.get(id);
    if (page) {
      const all: Record<string, unknown> = {
        name: page.name,
        access_token: page.accessToken,
        category: page.category ?? "Local business",
      };
      const selected =
        fields.length === 0
          ? { name: page.name }
          : Object.fromEntries(
              fields.flatMap((field) => {
                const nested = /^(\w+)\{(.*)\}$/.exec(field);
                const name = nested ? nested[1] : field;
                if (name === "instagram_business_account") {
                  const account = pageInstagramAccount(page, nested ? splitFields(nested[2]) : []);
                  return account ? [[name, account]] : [];
                }
                return name in all ? [[name, all[name]]] : [];
              }),
            );
      return { status: 200, body: { ...selected, id: page.id } };
    }
    const user = instagramUsers.get(id);
    if (user) {
      const all: Record<string, unknown> = { ...user };
      const selected = Object.fromEntries((fields.length === 0 ? ["name"] : fields).flatMap((field) => (all[field] === undefined ? [] : [[field, all[field]]])));
      return { status: 200, body: { ...selected, id } };
    }
    return unsupportedRequest("GET", id);
  }

  function checkApp(query: Record<string, string>): Answer | undefined {
    if (!query.client_id) return graphError(400, { message: "Missing client_id parameter.", type: "OAuthException", code: 101 });
    if (!query.client_secret) return graphError(400, { message: "Missing client_secret parameter.", type: "OAuthException", code: 101 });
    if (apps.size > 0 && apps.get(query.client_id) !== query.client_secret) {
      return graphError(400, { message: "Error validating client secret.", type: "OAuthException", code: 1 });
    }
    return undefined;
  }

  function oauthAccessToken(request: RecordedRequest): Answer {
    const query = request.query;
    const appError = checkApp(query);
    if (appError) return appError;
    if (query.grant_type === "fb_exchange_token") {
      if (!query.fb_exchange_token || !tokens.has(query.fb_exchange_token)) return invalidToken();
      const token = `EAAFakeLongLived${nextId()}`;
      const previous = tokens.get(query.fb_exchange_token);
      registerToken(token, { type: "USER", appId: query.client_id, userId: previous?.userId, userName: previous?.userName });
      return { status: 200, body: { access_token: token, token_type: "bearer", expires_in: 5183944 } };
    }
    if (query.grant_type === "client_credentials") return { status: 200, body: { access_token: `${query.client_id}|${query.client_secret}`, token_type: "bearer" } };
    if (!query.code) return graphError(400, { message: "Missing authorization code", type: "OAuthException", code: 1 });
    if (!query.redirect_uri) return graphError(400, { message: "Missing redirect_uri parameter.", type: "OAuthException", code: 191 });
    if (usedCodes.has(query.code)) {
      return graphError(400, { message: "This authorization code has been used.", type: "OAuthException", code: 100, error_subcode: 36009 });
    }
    usedCodes.add(query.code);
    const token = `EAAFakeShortLived${nextId()}`;
    registerToken(token, { type: "USER", appId: query.client_id, userId: loginUser.id, userName: loginUser.name });
    return { status: 200, body: { access_token: token, token_type: "bearer", expires_in: 5183999 } };
  }

  function debugToken(request: RecordedRequest): Answer {
    const appToken = graphToken(request);
    // debug_token is called with an app token (`app-id|app-secret`) or a valid user token.
    if (!appToken || (!appToken.includes("|") && !tokens.has(appToken))) return invalidToken();
    const input = request.query.input_token ?? "";
    const info = tokens.get(input);
    const now = Math.floor(Date.now() / 1000);
    if (!info) {
      return { status: 200, body: { data: { is_valid: false, error: { code: 190, message: "Invalid OAuth access token." }, scopes: [] } } };
    }
    const scopes = permissions.filter((entry) => entry.status === "granted").map((entry) => entry.permission);
    return {
      status: 200,
      body: {
        data: {
          app_id: info.appId ?? (appToken.includes("|") ? appToken.split("|")[0] : "1234567890"),
          type: info.type ?? "USER",
          application: "Switchboard",
          data_access_expires_at: now + 90 * 86_400,
          expires_at: info.type === "PAGE" || info.type === "SYSTEM_USER" ? 0 : now + 60 * 86_400,
          is_valid: true,
          issued_at: now,
          scopes,
          granular_scopes: scopes.map((scope) => ({ scope })),
          user_id: info.userId ?? "10160000000000001",
        },
      },
    };
  }

  // -------------------------------------------------------------------------------------------
  // Twilio

  const twilioError = (status: number, code: number, message: string): Answer => ({
    status,
    body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
  });

  function twilioAuth(request: RecordedRequest): string | undefined {
    const header = request.headers.authorization;
    const match = typeof header === "string" ? /^Basic\s+(.+)$/i.exec(header) : null;
    if (!match) return undefined;
    const decoded = Buffer.from(match[1], "base64").toString("utf8");
    const separator = decoded.indexOf(":");
    if (separator < 0) return undefined;
    const sid = decoded.slice(0, separator);
    return twilioAccounts.get(sid) === decoded.slice(separator + 1) ? sid : undefined;
  }

  function handleTwilio(request: RecordedRequest): Answer {
    const match = /^\/2010-04-01\/Accounts\/([^/]+?)(\.json|\/Messages\.json|\/Messages\/([^/]+)\.json)$/.exec(request.path);
    const authenticated = twilioAuth(request);
    if (!authenticated || (match && match[1] !== authenticated)) return twilioError(401, 20003, "Authenticate");
    if (!match) return twilioError(404, 20404, "The requested resource was not found");
    const [, accountSid, suffix, messageSid] = match;
    if (suffix === ".json" && request.method === "GET") {
      return { status: 200, body: { sid: accountSid, friendly_name: "Fake Twilio account", status: "active", type: "Full", owner_account_sid: accountSid } };
    }
    if (messageSid && request.method === "GET") {
      const stored = twilioMessages.get(messageSid);
      return stored ? { status: 200, body: stored } : twilioError(404, 20404, `The requested resource /2010-04-01/Accounts/${accountSid}/Messages/${messageSid}.json was not found`);
    }
    if (suffix === "/Messages.json" && request.method === "POST") return createTwilioMessage(request, accountSid);
    return twilioError(405, 20004, "Method not allowed");
  }

  // GET /v1/ContentAndApprovals: Twilio's page-based listing (PageSize default 50, max 1000;
  // Page is informational, PageToken the opaque position), with `meta` as Twilio's list
  // resources answer it and `next_page_url` a full URL on the same host.
  function handleTwilioContent(request: RecordedRequest): Answer {
    const accountSid = twilioAuth(request);
    if (!accountSid) return twilioError(401, 20003, "Authenticate");
    if (request.method !== "GET" || request.path !== "/v1/ContentAndApprovals") return twilioError(404, 20404, "The requested resource was not found");
    const all = twilioContents.get(accountSid) ?? [];
    const requestedSize = request.query.PageSize === undefined ? 50 : Number(request.query.PageSize);
    if (!Number.isInteger(requestedSize) || requestedSize < 1 || requestedSize > 1000) return twilioError(400, 20001, "PageSize must be between 1 and 1000");
    const page = Number(request.query.Page ?? 0) || 0;
    const start = request.query.PageToken ? Number(Buffer.from(request.query.PageToken, "base64url").toString("utf8").replace(/^PT/, "")) || 0 : 0;
    const host = typeof request.headers.host === "string" ? request.headers.host : "127.0.0.1";
    const base = `http://${host}/twilio-content/v1/ContentAndApprovals`;
    const pageUrl = (pageIndex: number, token?: number) =>
      `${base}?${new URLSearchParams({ PageSize: String(requestedSize), Page: String(pageIndex), ...(token ? { PageToken: Buffer.from(`PT${token}`).toString("base64url") } : {}) })}`;
    const contents = all.slice(start, start + requestedSize).map((content) => ({
      date_created: "2024-07-30T19:00:00Z",
      date_updated: "2024-07-30T19:00:00Z",
      sid: content.sid,
      account_sid: accountSid,
      friendly_name: content.friendly_name ?? null,
      language: content.language,
      variables: content.variables ?? {},
      types: content.types,
      approval_requests: content.approval_requests ?? null,
    }));
    const hasNext = start + requestedSize < all.length;
    return {
      status: 200,
      body: {
        contents,
        meta: {
          page,
          page_size: requestedSize,
          first_page_url: pageUrl(0),
          previous_page_url: page > 0 ? pageUrl(page - 1, Math.max(0, start - requestedSize)) : null,
          url: pageUrl(page, start),
          next_page_url: hasNext ? pageUrl(page + 1, start + requestedSize) : null,
          key: "contents",
        },
      },
    };
  }

  function createTwilioMessage(request: RecordedRequest, accountSid: string): Answer {
    const form = request.body && typeof request.body === "object" ? request.body : {};
    const field = (name: string): string | undefined => {
      const value = name in form ? (form as Record<string, unknown>)[name] : undefined;
      return typeof value === "string" ? value : Array.isArray(value) && typeof value[0] === "string" ? value[0] : undefined;
    };
    const to = field("To");
    const from = field("From");
    const body = field("Body");
    const mediaUrl = field("MediaUrl");
    if (!to) return twilioError(400, 21604, "A 'To' phone number is required.");
    if (!from) return twilioError(400, 21603, "A 'From' phone number is required.");
    if (!body && !mediaUrl && !field("ContentSid")) return twilioError(400, 21619, "A text message body or media urls must be specified.");
    if (body && body.length > 1600) return twilioError(400, 21617, "The concatenated message body exceeds the 1600 character limit.");
    const contentSid = field("ContentSid");
    const known = twilioContents.get(accountSid);
    if (contentSid && known && known.length > 0 && !known.some((content) => content.sid === contentSid)) {
      return twilioError(400, 21655, "The ContentSid is Invalid");
    }
    const sid = `SM${randomBytes(16).toString("hex")}`;
    const now = new Date().toUTCString();
    const message = {
      account_sid: accountSid,
      api_version: "2010-04-01",
      body: body ?? "",
      date_created: now,
      date_sent: null,
      date_updated: now,
      direction: "outbound-api",
      error_code: null,
      error_message: null,
      from,
      messaging_service_sid: null,
      num_media: mediaUrl ? "1" : "0",
      num_segments: "1",
      price: null,
      price_unit: null,
      sid,
      status: "queued",
      subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}/Media.json` },
      to,
      uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
    };
    twilioMessages.set(sid, message);
    return { status: 201, body: message };
  }

  // -------------------------------------------------------------------------------------------
  // Facebook Login dialog (www.facebook.com/{version}/dialog/oauth)

  // A tiny stand-in for the consent screen: "Continue" sends the browser back to redirect_uri
  // with a fresh code and the state; "Cancel" with the error Facebook sends when the person
  // cancels. Both are plain GET forms, so they work without JavaScript.
  function handleDialog(request: RecordedRequest): Answer {
    const html = (status: number, body: string): Answer => ({ status, body, headers: { "Content-Type": "text/html; charset=utf-8" } });
    if (request.method !== "GET" || !/^\/v\d+\.\d+\/dialog\/oauth$/.test(request.path)) return html(404, "<h1>Not found</h1>");
    const { client_id: clientId, redirect_uri: redirectUri, state = "" } = request.query;
    if (!clientId || (apps.size > 0 && !apps.has(clientId))) return html(400, "<h1>Invalid App ID</h1><p>The provided app ID does not look like a valid app ID.</p>");
    if (!redirectUri || !/^https?:\/\//.test(redirectUri)) return html(400, "<h1>URL blocked</h1><p>The redirect_uri is missing or not allowed.</p>");
    const code = `fake-code-${nextId()}`;
    const hidden = (fields: Record<string, string>) =>
      Object.entries(fields)
        .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
        .join("");
    const scope = request.query.scope ?? (request.query.config_id ? `configuration ${request.query.config_id}` : "");
    return html(
      200,
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Log in with Facebook (fake)</title></head><body>
<h1>Switchboard is requesting access</h1><p>Fake Facebook Login for ${escapeHtml(loginUser.name ?? loginUser.id)}.</p>
<p data-testid="requested-scope">${escapeHtml(scope)}</p>
<form method="get" action="${escapeHtml(redirectUri)}">${hidden({ code, state })}<button type="submit">Continue</button></form>
<form method="get" action="${escapeHtml(redirectUri)}">${hidden({ error: "access_denied", error_code: "200", error_description: "Permissions error", error_reason: "user_denied", state })}<button type="submit">Cancel</button></form>
</body></html>`,
    );
  }

  // -------------------------------------------------------------------------------------------
  // Server

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ error: { message: "fake provider crashed", type: "FakeException", code: 1 } }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const rawBody = await readBody(req);
    const url = new URL(req.url ?? "/", "http://fake.local");
    const prefix = url.pathname.startsWith("/graph/")
      ? "graph"
      : url.pathname.startsWith("/twilio/")
        ? "twilio"
        : url.pathname.startsWith("/twilio-content/")
          ? "twilio_content"
          : url.pathname.startsWith("/facebook/")
            ? "facebook"
            : "unknown";
    const prefixPath = prefix === "twilio_content" ? "/twilio-content" : `/${prefix}`;
    const request: RecordedRequest = {
      provider: prefix,
      method: req.method ?? "GET",
      path: prefix === "unknown" ? url.pathname : url.pathname.slice(prefixPath.length),
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      rawBody,
      body: parseBody(rawBody, req.headers["content-type"]),
      receivedAt: new Date(),
    };
    requests.push(request);

    const delay = takeRule(delayRules, request);
    if (delay) await sleep(delay.ms);
    const failure = takeRule(failRules, request);
    if (failure?.delayMs) await sleep(failure.delayMs);
    if (failure?.destroy) {
      req.socket.destroy();
      return;
    }
    let answer: Answer;
    if (failure && (failure.status !== undefined || failure.body !== undefined)) {
      answer = { status: failure.status ?? 500, body: failure.body ?? null, headers: failure.headers };
    } else if (prefix === "graph") {
      answer = handleGraph(request);
    } else if (prefix === "twilio") {
      answer = handleTwilio(request);
    } else if (prefix === "twilio_content") {
      answer = handleTwilioContent(request);
    } else if (prefix === "facebook") {
      answer = handleDialog(request);
    } else {
      answer = { status: 404, body: { error: "The fake serves /graph/…, /twilio/… and /facebook/… only" } };
    }
    // What the provider decided, even when the caller hung up meanwhile (a real API has accepted
    // the message all the same).
    request.responseStatus = answer.status;
    request.responseBody = answer.body;
    if (res.destroyed) return;
    const payload = answer.body === null || answer.body === undefined ? "" : typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
    res.writeHead(answer.status, {
      ...(typeof answer.body === "string" ? { "Content-Type": "text/plain" } : { "Content-Type": "application/json; charset=UTF-8" }),
      ...answer.headers,
    });
    res.end(payload);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const origin = `http://${host}:${address.port}`;

  return {
    url: origin,
    graphUrl: `${origin}/graph`,
    twilioUrl: `${origin}/twilio`,
    twilioContentUrl: `${origin}/twilio-content`,
    dialogUrl: `${origin}/facebook`,
    requests,
    lastRequest: () => requests.at(-1),
    registerToken,
    registerTwilioAccount: (accountSid, authToken) => void twilioAccounts.set(accountSid, authToken),
    registerApp: (appId, appSecret) => void apps.set(appId, appSecret),
    registerPhoneNumber: (phoneNumber) => void phoneNumbers.set(phoneNumber.id, phoneNumber),
    registerPage,
    registerInstagramUser: (igsid, profile) => void instagramUsers.set(igsid, profile),
    setPermissions: (list) => {
      permissions = list;
    },
    setLoginUser: (user) => {
      loginUser = user;
    },
    setAccountsPageSize: (size) => {
      accountsPageSize = size;
    },
    removePage: (pageId) => {
      const page = pages.get(pageId);
      if (page) tokens.delete(page.accessToken);
      pages.delete(pageId);
    },
    setTemplates: (wabaId, templates) => void templatesByWaba.set(wabaId, [...templates]),
    setTwilioContents: (accountSid, contents) => void twilioContents.set(accountSid, [...contents]),
    failNext: (rule) => void failRules.push({ ...rule, remaining: rule.times ?? 1 }),
    delayNext: (rule) => void delayRules.push({ ...rule, remaining: rule.times ?? 1 }),
    clearFailures: () => {
      failRules = [];
    },
    reset: () => {
      requests.length = 0;
      failRules = [];
      delayRules = [];
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets from fetch would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}

function takeRule<T extends { match?: (request: RecordedRequest) => boolean; remaining: number }>(rules: T[], request: RecordedRequest): T | undefined {
  const rule = rules.find((candidate) => candidate.remaining > 0 && (candidate.match ? candidate.match(request) : true));
  if (rule) rule.remaining -= 1;
  return rule;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (raw === "") return null;
  if (contentType?.includes("application/x-www-form-urlencoded")) {
    const form: Record<string, string | string[]> = {};
    for (const [key, value] of new URLSearchParams(raw)) {
      const existing = form[key];
      form[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
    }
    return form;
  }
  try {
    const value: unknown = JSON.parse(raw);
    return value;
  } catch {
    return raw;
  }
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
