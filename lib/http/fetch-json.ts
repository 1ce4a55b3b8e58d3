import type { ZodType } from "zod";

// Client-safe: used by browser code to call the app's own JSON API.

export type FetchJsonOptions<T> = {
  method?: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  /** Sent as a JSON body. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Parses the response; without it the body is returned as `T` unchecked. */
  schema?: ZodType<T>;
  signal?: AbortSignal;
};

/**
 * Calls a JSON endpoint of this app. Resolves with the parsed body (undefined for 204).
 * Throws FetchError carrying `{code, message, field, status}` from the `{error: {...}}` body
 * of any non-2xx answer, or code "network_error" when the request never got an answer.
 */
export async function fetchJson<T = unknown>(url: string, { method = "GET", body, headers, schema, signal }: FetchJsonOptions<T> = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { Accept: "application/json", ...(body === undefined ? {} : { "Content-Type": "application/json" }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new FetchError({ code: "network_error", message: "Could not reach the server; check your connection", status: 0 });
  }
  if (response.status === 204) return undefined as T;
  const data: unknown = await response.json().catch(() => null);
  if (!response.ok) throw FetchError.fromBody(data, response.status);
  return schema ? schema.parse(data) : (data as T);
}

export type FetchErrorOptions = { code: string; message: string; status: number; field?: string };

/** A failed API call, with the server's error code, readable message and form field. */
export class FetchError extends Error {
  readonly code: string;
  readonly status: number;
  readonly field?: string;

  constructor({ code, message, status, field }: FetchErrorOptions) {
    super(message);
    this.name = "FetchError";
    this.code = code;
    this.status = status;
    this.field = field;
  }

  static fromBody(data: unknown, status: number): FetchError {
    const error = typeof data === "object" && data !== null && "error" in data ? (data as { error: unknown }).error : null;
    if (typeof error === "object" && error !== null) {
      const { code, message, field } = error as Record<string, unknown>;
      return new FetchError({
        code: typeof code === "string" ? code : "unknown",
        message: typeof message === "string" ? message : `Request failed (${status})`,
        field: typeof field === "string" ? field : undefined,
        status,
      });
    }
    return new FetchError({ code: "unknown", message: `Request failed (${status})`, status });
  }

  /** True for 4xx answers: retrying the same request will not help. */
  get isClientError(): boolean {
    return this.status >= 400 && this.status < 500;
  }
}
