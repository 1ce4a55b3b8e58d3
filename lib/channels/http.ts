import "server-only";
import { ProviderError, redactSecrets } from "@/lib/channels/provider-error";

// The one way channel adapters talk HTTP to Meta and Twilio: a timeout on every call, the body
// read once (JSON when it parses, text otherwise), and network failures turned into a retryable
// ProviderError. Tokens travel in headers; this module never logs and never puts a URL, header or
// body into an error message, so a token in a query string cannot leak through it either.

const DEFAULT_TIMEOUT_MS = 15_000;

export type ProviderRequestOptions = {
  url: string;
  method?: "GET" | "POST" | "DELETE";
  headers?: Record<string, string>;
  /** Sent as JSON with `Content-Type: application/json`. */
  json?: unknown;
  /** Sent as `application/x-www-form-urlencoded` (Twilio). */
  form?: URLSearchParams;
  /** Default 15 s. A timeout is a retryable ProviderError, code "timeout". */
  timeoutMs?: number;
  /** Values scrubbed from anything this call reports (access tokens, auth tokens). */
  secrets?: string[];
};

export type ProviderResponse = {
  status: number;
  ok: boolean;
  headers: Headers;
  /** Parsed JSON when the body is JSON, the raw text otherwise, null when empty. */
  body: unknown;
};

/**
 * Sends one request to a provider. Resolves with whatever the provider answered, including
 * 4xx/5xx (callers classify those); rejects only with a retryable ProviderError when no answer
 * arrived (connection refused or reset, DNS failure, timeout).
 */
export async function requestProvider({ url, method = "GET", headers = {}, json, form, timeoutMs = DEFAULT_TIMEOUT_MS, secrets = [] }: ProviderRequestOptions): Promise<ProviderResponse> {
  const host = describeHost(url);
  const requestHeaders: Record<string, string> = { Accept: "application/json", ...headers };
  let body: string | undefined;
  if (json !== undefined) {
    requestHeaders["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  } else if (form) {
    requestHeaders["Content-Type"] = "application/x-www-form-urlencoded";
    body = form.toString();
  }

  let response: Response;
  let text: string;
  try {
    response = await fetch(url, { method, headers: requestHeaders, body, signal: AbortSignal.timeout(timeoutMs), redirect: "error" });
    // The body can time out too: reading it is inside the same try.
    text = await response.text();
  } catch (error) {
    throw toNetworkError({ error, host, timeoutMs, secrets });
  }
  return { status: response.status, ok: response.ok, headers: response.headers, body: parseBody(text) };
}

function parseBody(text: string): unknown {
  if (text.trim() === "") return null;
  try {
    const value: unknown = JSON.parse(text);
    return value;
  } catch {
    return text;
  }
}

type NetworkErrorOptions = { error: unknown; host: string; timeoutMs: number; secrets: string[] };

function toNetworkError({ error, host, timeoutMs, secrets }: NetworkErrorOptions): ProviderError {
  const name = error instanceof Error ? error.name : "";
  if (name === "TimeoutError" || name === "AbortError") {
    return new ProviderError({
      kind: "retry",
      code: "timeout",
      reason: `${host} did not answer within ${Math.round(timeoutMs / 1000)} s; the message will be retried`,
    });
  }
  // undici reports "fetch failed" with the socket error (ECONNREFUSED, ECONNRESET...) as cause.
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
  const causeCode = cause && "code" in cause && typeof cause.code === "string" ? cause.code : undefined;
  return new ProviderError({
    kind: "retry",
    code: "network_error",
    reason: `Couldn't reach ${host}; the message will be retried`,
    providerMessage: redactSecrets(causeCode ?? cause?.message ?? (error instanceof Error ? error.message : "network error"), secrets),
  });
}

/** Only the host goes into messages: paths and query strings may carry ids or tokens. */
function describeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "the provider";
  }
}

/** For logging a provider URL: removes OAuth secrets from the query string. */
export function redactUrl(url: string): string {
  return redactSecrets(url);
}
