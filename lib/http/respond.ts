import { randomUUID } from "node:crypto";
import { ZodError } from "zod";
import { AppError, errorStatus, type ErrorCode } from "./errors";
import { logger } from "@/lib/logger";

export type ErrorBody = { error: { code: ErrorCode; message: string; field?: string; requestId?: string } };

/** An error answer independent of the HTTP layer (Web `Response` or node:http). */
export type ErrorReply = { status: number; headers: Record<string, string>; body: string };

/**
 * Maps any thrown value to the one JSON error shape. Known errors keep their message;
 * anything else becomes a generic 500 logged with a request id, never echoing internals.
 */
export function errorResponse(error: unknown): Response {
  const { status, headers, body } = errorReply(error);
  return new Response(body, { status, headers });
}

/** errorResponse() for callers that write the answer themselves (the node:http webhook path). */
export function errorReply(error: unknown): ErrorReply {
  if (error instanceof AppError) {
    const headers: Record<string, string> = {};
    if (error.retryAfter !== undefined) headers["Retry-After"] = String(Math.ceil(error.retryAfter));
    return json({ error: { code: error.code, message: error.message, field: error.field } }, error.status, headers);
  }
  if (error instanceof ZodError) {
    const issue = error.issues[0];
    const field = issue?.path.length ? issue.path.join(".") : undefined;
    const message = issue ? (field ? `${field}: ${issue.message}` : issue.message) : "Invalid input";
    return json({ error: { code: "unprocessable", message, field } }, errorStatus.unprocessable);
  }
  const prismaCode = getPrismaCode(error);
  if (prismaCode === "P2025") {
    return json({ error: { code: "not_found", message: "Not found" } }, errorStatus.not_found);
  }
  if (prismaCode === "P2002") {
    return json({ error: { code: "conflict", message: "That already exists" } }, errorStatus.conflict);
  }
  if (isClientAbort(error)) {
    // The caller hung up mid-request: nobody reads this answer, and it says nothing about
    // the database (whose outages must stay visible in the logs, not drowned by these).
    logger.debug({ err: describe(error) }, "request aborted by the client");
    return json({ error: { code: "bad_request", message: "The request was aborted before its body arrived" } }, errorStatus.bad_request);
  }
  if (isDatabaseUnavailable(error)) {
    logger.error({ err: describe(error) }, "database unavailable");
    return json({ error: { code: "unavailable", message: "The database is unavailable; try again shortly" } }, 503, { "Retry-After": "5" });
  }
  const requestId = randomUUID();
  logger.error({ err: describe(error), requestId }, "unhandled error");
  return json({ error: { code: "internal", message: "Something went wrong", requestId } }, errorStatus.internal);
}

function json(body: ErrorBody, status: number, headers: Record<string, string> = {}): ErrorReply {
  return { status, headers: { ...headers, "Content-Type": "application/json", "Cache-Control": "no-store" }, body: JSON.stringify(body) };
}

function getPrismaCode(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null && "code" in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === "string" && /^P\d{4}$/.test(code)) return code;
  }
  return undefined;
}

const UNAVAILABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "P1001", "P1002", "P1017"]);

/**
 * True when the error is the HTTP client going away mid-request: node's http server fails the
 * body stream with `Error("aborted")` and code ECONNRESET (the same code a reset database
 * connection has, so it must be told apart by its message), and Web streams with an AbortError.
 */
export function isClientAbort(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    if (typeof current !== "object") break;
    const record = current as { code?: unknown; cause?: unknown; message?: unknown; name?: unknown };
    if (record.code === "ECONNRESET" && record.message === "aborted") return true;
    if (record.name === "AbortError" || record.code === "ERR_STREAM_PREMATURE_CLOSE") return true;
    current = record.cause;
  }
  return false;
}

/** True when the error means the database could not be reached (the caller may retry). */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (isClientAbort(error)) return false;
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    if (typeof current !== "object") break;
    const record = current as { code?: unknown; cause?: unknown; message?: unknown; kind?: unknown };
    if (typeof record.code === "string" && UNAVAILABLE_CODES.has(record.code)) return true;
    if (record.kind === "DatabaseNotReachable" || record.kind === "ConnectionClosed") return true;
    if (typeof record.message === "string" && /ECONNREFUSED|Connection terminated|connect ECONNRESET|DatabaseNotReachable|timeout exceeded when trying to connect|the database system is (starting up|shutting down)/.test(record.message)) return true;
    current = record.cause;
  }
  return false;
}

function describe(error: unknown) {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { value: String(error) };
}
