import { z } from "zod";
import type { ProviderErrorInfo } from "@/lib/channels/types";

// What a failed provider call means for Switchboard, in three kinds:
// - reauth: the credentials no longer work (expired token, lost permission, wrong auth token).
//   Retrying is pointless until the owner reconnects the channel.
// - retry: rate limits, provider outages, network trouble. The same request may succeed later.
// - permanent: this message can never be sent as is (window closed, bad number, bad template).
// `reason` is written for the person looking at the inbox; it never carries a token.

export type ProviderErrorKind = "reauth" | "retry" | "permanent";

export type ProviderErrorOptions = {
  kind: ProviderErrorKind;
  /** The provider's error code ("131047", "20003") or ours ("network_error", "invalid_message"). */
  code: string;
  /** Human readable and safe to show in the UI. */
  reason: string;
  /** Graph `error_subcode`, when the provider sent one. */
  subcode?: string;
  retryAfterSeconds?: number;
  httpStatus?: number;
  /** The provider's own message, scrubbed of secrets: for logs and support, not for users. */
  providerMessage?: string;
};

/** A provider call that failed, classified so the caller knows whether to retry, re-auth or give up. */
export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  readonly code: string;
  readonly reason: string;
  readonly subcode?: string;
  readonly retryAfterSeconds?: number;
  readonly httpStatus?: number;
  readonly providerMessage?: string;

  constructor({ kind, code, reason, subcode, retryAfterSeconds, httpStatus, providerMessage }: ProviderErrorOptions) {
    super(reason);
    this.name = "ProviderError";
    this.kind = kind;
    this.code = code;
    this.reason = reason;
    this.subcode = subcode;
    this.retryAfterSeconds = retryAfterSeconds;
    this.httpStatus = httpStatus;
    this.providerMessage = providerMessage;
  }

  get isRetryable(): boolean {
    return this.kind === "retry";
  }
}

export type HeaderSource = Headers | Record<string, string | string[] | undefined>;

export type ClassifyProviderErrorOptions = {
  /** HTTP status of the failed answer. */
  status: number;
  /** The answer body: parsed JSON, raw text, or null when there was none. */
  body: unknown;
  headers?: HeaderSource;
  /** Values that must never appear in the error (the access token, the auth token). */
  secrets?: string[];
};

// ---------------------------------------------------------------------------------------------
// Secrets

const SECRET_QUERY_PARAMS = ["access_token", "client_secret", "input_token", "fb_exchange_token", "appsecret_proof", "code"];

/**
 * Removes secrets from text that may end up in an error or a log: the given values, OAuth
 * query parameters, Authorization header values and anything shaped like a Meta token.
 */
export function redactSecrets(text: string, secrets: string[] = []): string {
  let result = text;
  // Longest first so a secret that contains another is removed whole.
  for (const secret of [...secrets].filter((value) => value.length >= 4).sort((a, b) => b.length - a.length)) {
    result = result.split(secret).join("[redacted]");
  }
  for (const param of SECRET_QUERY_PARAMS) {
    result = result.replace(new RegExp(`([?&]${param}=)[^&#\\s"']+`, "gi"), "$1[redacted]");
  }
  return result
    .replace(/\b(Bearer|Basic|OAuth)\s+[A-Za-z0-9._~+/=|-]{8,}/g, "$1 [redacted]")
    .replace(/\b(EAA|IGQ|IGAA)[A-Za-z0-9_-]{20,}/g, "[redacted]");
}

// ---------------------------------------------------------------------------------------------
// Headers

function readHeader(headers: HeaderSource | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/** Retry-After is either delta-seconds or an HTTP date. */
function parseRetryAfter(headers: HeaderSource | undefined): number | undefined {
  const value = readHeader(headers, "retry-after")?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

const bucUsageSchema = z.record(z.string(), z.array(z.looseObject({ estimated_time_to_regain_access: z.number().optional() })));

/**
 * Business Use Case rate limits (Pages with Page tokens, Instagram, WhatsApp) report
 * `estimated_time_to_regain_access` in MINUTES per business object in X-Business-Use-Case-Usage.
 */
function parseBusinessUseCaseWait(headers: HeaderSource | undefined): number | undefined {
  const raw = readHeader(headers, "x-business-use-case-usage");
  if (!raw) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const parsed = bucUsageSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const minutes = Object.values(parsed.data)
    .flat()
    .map((entry) => entry.estimated_time_to_regain_access ?? 0);
  const longest = Math.max(0, ...minutes);
  return longest > 0 ? longest * 60 : undefined;
}

// ---------------------------------------------------------------------------------------------
// Meta (Graph API: WhatsApp Cloud API, Instagram Messaging)

const numericCode = z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]);

const graphErrorSchema = z.looseObject({
  error: z.looseObject({
    message: z.string().optional(),
    type: z.string().optional(),
    code: numericCode,
    error_subcode: numericCode.optional(),
    error_user_title: z.string().optional(),
    error_user_msg: z.string().optional(),
    is_transient: z.boolean().optional(),
    // WhatsApp puts `{ messaging_product, details }` here; template endpoints a plain string.
    error_data: z.unknown().optional(),
    fbtrace_id: z.string().optional(),
  }),
});

type Rule = { kind: ProviderErrorKind; reason: string; defaultRetryAfterSeconds?: number };

const WINDOW_CLOSED_TEMPLATE = "The 24-hour window is closed: send an approved template";
const WINDOW_CLOSED_INSTAGRAM =
  "The messaging window is closed: Instagram allows replies within 24 hours of the person's last message (7 days for a human agent reply)";
const TOKEN_EXPIRED = "The connection to Meta expired or was revoked: reconnect the channel";
const PERMISSION_MISSING = "Meta says the app is missing a permission it needs: reconnect the channel and grant every requested permission";
const META_RATE_LIMIT = "Meta's rate limit was reached; the message will be retried";
const META_TEMPORARY = "Meta had a temporary problem; the message will be retried";

// Instagram (via Facebook Login and via Instagram Login) reports the closed window as code 10 with
// one of these subcodes; a plain code 10 is a missing permission.
const GRAPH_WINDOW_SUBCODES = new Set([2534022, 2018278]);

const TEMPLATE_REASONS: Record<number, string> = {
  132000: "The number of template parameters doesn't match the approved template",
  132001: "This template doesn't exist in that language, or isn't approved yet",
  132005: "The template text is too long once its parameters are filled in",
  132007: "The template content breaks WhatsApp's formatting policy",
  132012: "A template parameter has the wrong format",
  132015: "This template is paused because of low quality",
  132016: "This template was disabled because of low quality",
};

/** The Graph code table. Sources: Graph API "Handling Errors", WhatsApp Cloud API error codes, Messenger error codes. */
function graphRule({ code, subcode, details }: { code: number; subcode?: number; details?: string }): Rule | undefined {
  // Access token problems: any subcode of 190 (expired 463, password changed 460, app removed 458, ...).
  if (code === 190 || code === 102 || code === 0) return { kind: "reauth", reason: TOKEN_EXPIRED };
  if (code === 10 && subcode !== undefined && GRAPH_WINDOW_SUBCODES.has(subcode)) return { kind: "permanent", reason: WINDOW_CLOSED_INSTAGRAM };
  // 3, 10 and 200–299 are "permission not granted or removed". The documented fix is a new
  // token with the permission, which only the owner can do, so the channel needs re-auth rather
  // than every message failing one by one with the same error.
  if (code === 3 || code === 10 || (code >= 200 && code <= 299)) return { kind: "reauth", reason: PERMISSION_MISSING };

  if (code === 4 || code === 17 || code === 32 || code === 341 || code === 613) return { kind: "retry", reason: META_RATE_LIMIT, defaultRetryAfterSeconds: 300 };
  if (code >= 80001 && code <= 80014) return { kind: "retry", reason: META_RATE_LIMIT, defaultRetryAfterSeconds: 300 };
  if (code === 130429) return { kind: "retry", reason: "WhatsApp's sending throughput limit was reached; the message will be retried", defaultRetryAfterSeconds: 10 };
  if (code === 131056) {
    // Pair rate limit: roughly one message every 6 seconds to the same person.
    return { kind: "retry", reason: "Too many messages to this person in a short time; the message will be retried", defaultRetryAfterSeconds: 10 };
  }
  if (code === 131048) {
    // Quality-based limit: it lifts slowly, so wait long before trying again.
    return { kind: "retry", reason: "WhatsApp is limiting this number because earlier messages were flagged as spam", defaultRetryAfterSeconds: 3600 };
  }
  if (code === 1 || code === 2 || code === 131000 || code === 131016 || code === 133004) return { kind: "retry", reason: META_TEMPORARY, defaultRetryAfterSeconds: 30 };

  if (code === 131047) return { kind: "permanent", reason: WINDOW_CLOSED_TEMPLATE };
  if (code === 551) return { kind: "permanent", reason: "This person isn't available right now" };
  if (code === 131026) {
    return { kind: "permanent", reason: "WhatsApp couldn't deliver this message: the number may not use WhatsApp or needs to update the app" };
  }
  if (code === 131051) return { kind: "permanent", reason: "WhatsApp doesn't support this message type" };
  if (code === 131049) return { kind: "permanent", reason: "Meta chose not to deliver this marketing message to keep engagement healthy" };
  if (code === 131050) return { kind: "permanent", reason: "This person has stopped marketing messages from this business" };
  if (code === 131021) return { kind: "permanent", reason: "A number can't send messages to itself" };
  if (code === 131030) return { kind: "permanent", reason: "This test number can only message numbers on its allowed list" };
  if (code === 131031) return { kind: "permanent", reason: "WhatsApp has locked this business account" };
  if (code === 131042) return { kind: "permanent", reason: "The WhatsApp Business Account has a payment problem" };
  if (code === 130497) return { kind: "permanent", reason: "This business account can't message people in that country" };
  if (code === 133010) return { kind: "permanent", reason: "The WhatsApp phone number isn't registered with the Cloud API" };
  if (code >= 132000 && code <= 132016) return { kind: "permanent", reason: TEMPLATE_REASONS[code] ?? "WhatsApp rejected the template" };
  if (code === 368) return { kind: "permanent", reason: "Meta has temporarily blocked this account from sending because of a policy violation" };
  if (code === 100) return { kind: "permanent", reason: details ? `Meta rejected a parameter of this message: ${details}` : "Meta rejected a parameter of this message" };
  return undefined;
}

function graphDetails(errorData: unknown): string | undefined {
  if (typeof errorData === "string") return errorData || undefined;
  const parsed = z.object({ details: z.string() }).safeParse(errorData);
  return parsed.success ? parsed.data.details : undefined;
}

/**
 * Classifies a non-2xx Graph API answer (`{ error: { code, error_subcode, ... } }`). A 5xx or a
 * body that is not a Graph error is treated as temporary.
 */
export function classifyGraphError({ status, body, headers, secrets = [] }: ClassifyProviderErrorOptions): ProviderError {
  const retryAfter = parseRetryAfter(headers) ?? parseBusinessUseCaseWait(headers);
  const parsed = graphErrorSchema.safeParse(body);
  if (!parsed.success) {
    return new ProviderError({
      kind: "retry",
      code: `http_${status}`,
      reason: status === 429 ? META_RATE_LIMIT : META_TEMPORARY,
      retryAfterSeconds: retryAfter ?? 30,
      httpStatus: status,
    });
  }
  const error = parsed.data.error;
  const details = graphDetails(error.error_data);
  const scrub = (text: string | undefined) => (text === undefined ? undefined : redactSecrets(text, secrets));
  const rule = graphRule({ code: error.code, subcode: error.error_subcode, details: scrub(details) });
  const providerMessage = scrub([error.message, details].filter(Boolean).join(" – ") || undefined);
  const base = { code: String(error.code), subcode: error.error_subcode?.toString(), httpStatus: status, providerMessage };
  if (rule) {
    return new ProviderError({
      ...base,
      kind: rule.kind,
      reason: rule.reason,
      retryAfterSeconds: rule.kind === "retry" ? (retryAfter ?? rule.defaultRetryAfterSeconds) : undefined,
    });
  }
  // Unknown code: Meta flags transient ones, and a 5xx is the server's fault whatever the code.
  if (error.is_transient === true || status >= 500) {
    return new ProviderError({ ...base, kind: "retry", reason: META_TEMPORARY, retryAfterSeconds: retryAfter ?? 30 });
  }
  // error_user_msg is the text Meta intends for people; otherwise name the provider's message.
  const reason = scrub(error.error_user_msg) ?? (error.message ? `Meta rejected the message: ${scrub(error.message)}` : "Meta rejected the message");
  return new ProviderError({ ...base, kind: "permanent", reason });
}

// ---------------------------------------------------------------------------------------------
// Twilio

const twilioErrorSchema = z.looseObject({
  code: numericCode,
  message: z.string().optional(),
  more_info: z.string().optional(),
  status: z.number().optional(),
});

const TWILIO_WINDOW_CODES = new Set([63016]);

/** The Twilio code table (https://www.twilio.com/docs/api/errors). */
function twilioRule(code: number): Rule | undefined {
  if (code === 20003) return { kind: "reauth", reason: "Twilio rejected the credentials: check the Account SID and Auth Token" };
  if (code === 63007) return { kind: "reauth", reason: "Twilio doesn't know this WhatsApp sender: check the sender number in the channel settings" };
  if (code === 20429) return { kind: "retry", reason: "Twilio's rate limit was reached; the message will be retried", defaultRetryAfterSeconds: 10 };
  if (code === 63018) return { kind: "retry", reason: "WhatsApp's rate limit for this sender was reached; the message will be retried", defaultRetryAfterSeconds: 60 };
  // Daily account limit: nothing changes for hours.
  if (code === 63038) return { kind: "retry", reason: "The Twilio account reached its daily message limit; the message will be retried", defaultRetryAfterSeconds: 3600 };
  if (code === 63012 || code === 20500 || code === 20503) return { kind: "retry", reason: "Twilio or WhatsApp had a temporary problem; the message will be retried", defaultRetryAfterSeconds: 30 };
  if (TWILIO_WINDOW_CODES.has(code)) return { kind: "permanent", reason: WINDOW_CLOSED_TEMPLATE };
  if (code === 21211) return { kind: "permanent", reason: "This isn't a valid phone number" };
  if (code === 21614) return { kind: "permanent", reason: "This number can't receive messages" };
  if (code === 63003 || code === 63024) return { kind: "permanent", reason: "This number can't be reached on WhatsApp" };
  if (code === 21610) return { kind: "permanent", reason: "This person has opted out of messages (STOP)" };
  if (code === 63032 || code === 63049) return { kind: "permanent", reason: "WhatsApp chose not to deliver this marketing message" };
  if (code === 63005 || code === 63013) return { kind: "permanent", reason: "WhatsApp didn't accept this content" };
  if (code === 63027 || code === 63028 || code === 63029) return { kind: "permanent", reason: "WhatsApp rejected the template or its parameters" };
  if (code === 21617) return { kind: "permanent", reason: "The message is too long for Twilio (1600 characters at most)" };
  if (code === 21602 || code === 21619) return { kind: "permanent", reason: "The message has no text, media or template" };
  if (code === 21620) return { kind: "permanent", reason: "Twilio couldn't use the media URL" };
  return undefined;
}

/** Classifies a non-2xx Twilio REST answer (`{ code, message, more_info, status }`). */
export function classifyTwilioError({ status, body, headers, secrets = [] }: ClassifyProviderErrorOptions): ProviderError {
  const retryAfter = parseRetryAfter(headers);
  const parsed = twilioErrorSchema.safeParse(body);
  const code = parsed.success ? parsed.data.code : undefined;
  const providerMessage = parsed.success && parsed.data.message ? redactSecrets(parsed.data.message, secrets) : undefined;
  const rule = code === undefined ? undefined : twilioRule(code);
  const base = { code: code === undefined ? `http_${status}` : String(code), httpStatus: status, providerMessage };
  if (rule) {
    return new ProviderError({
      ...base,
      kind: rule.kind,
      reason: rule.reason,
      retryAfterSeconds: rule.kind === "retry" ? (retryAfter ?? rule.defaultRetryAfterSeconds) : undefined,
    });
  }
  if (status === 401) return new ProviderError({ ...base, kind: "reauth", reason: "Twilio rejected the credentials: check the Account SID and Auth Token" });
  if (status === 429) return new ProviderError({ ...base, kind: "retry", reason: "Twilio's rate limit was reached; the message will be retried", retryAfterSeconds: retryAfter ?? 10 });
  if (status >= 500 || !parsed.success) {
    return new ProviderError({ ...base, kind: "retry", reason: "Twilio had a temporary problem; the message will be retried", retryAfterSeconds: retryAfter ?? 30 });
  }
  return new ProviderError({ ...base, kind: "permanent", reason: providerMessage ? `Twilio rejected the message: ${providerMessage}` : "Twilio rejected the message" });
}

// ---------------------------------------------------------------------------------------------
// Errors reported later, in status webhooks

/**
 * Classifies an error that arrived in a status webhook (WhatsApp `statuses[].errors[]`, Twilio
 * `ErrorCode`), with the same table as the send path, so the UI can say why a message failed.
 * Twilio codes are five digits in 2xxxx–6xxxx and do not collide with the Graph codes we know.
 */
export function classifyProviderErrorInfo(info: ProviderErrorInfo): ProviderError {
  const code = /^\d+$/.test(info.code) ? Number(info.code) : undefined;
  const providerMessage = redactSecrets([info.title, info.message, info.details].filter(Boolean).join(" – "));
  const rule = code === undefined ? undefined : (twilioRule(code) ?? graphRule({ code, details: info.details }));
  if (rule) return new ProviderError({ kind: rule.kind, code: info.code, reason: rule.reason, providerMessage });
  // Unknown code: show the provider's own words, which are about this message, not our secrets.
  const text = redactSecrets(info.details || info.message || info.title || "");
  return new ProviderError({
    kind: "permanent",
    code: info.code,
    reason: text ? `The provider couldn't deliver this message: ${text}` : "The provider couldn't deliver this message",
    providerMessage,
  });
}
