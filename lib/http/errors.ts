export const errorStatus = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  internal: 500,
  provider_error: 502,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export type AppErrorOptions = {
  code: ErrorCode;
  message: string;
  /** The form field the error belongs to, so a form can show it next to that field. */
  field?: string;
  /** Seconds, for rate_limited and unavailable. */
  retryAfter?: number;
};

/** An error whose message is safe to show to the user. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly field?: string;
  readonly retryAfter?: number;

  constructor({ code, message, field, retryAfter }: AppErrorOptions) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.field = field;
    this.retryAfter = retryAfter;
  }

  get status(): number {
    return errorStatus[this.code];
  }
}
