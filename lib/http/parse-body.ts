import { AppError } from "./errors";

export type ParseBodyOptions = {
  /** Largest accepted body in bytes. */
  maxBytes?: number;
};

const DEFAULT_MAX_BYTES = 100 * 1024;

/**
 * Reads a JSON body with a size cap. Throws AppError 413 when too big, 415 when not JSON and
 * 400 when the JSON is malformed. The result is `unknown`: parse it with a zod schema.
 */
export async function parseBody(req: Request, { maxBytes = DEFAULT_MAX_BYTES }: ParseBodyOptions = {}): Promise<unknown> {
  const contentType = req.headers.get("content-type") ?? "";
  if (!/^application\/(.+\+)?json\b/i.test(contentType)) {
    throw new AppError({ code: "unsupported_media_type", message: "Send the body as JSON (Content-Type: application/json)" });
  }
  const text = await readText(req, maxBytes);
  if (text.trim() === "") throw new AppError({ code: "bad_request", message: "The request body is empty" });
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError({ code: "bad_request", message: "The request body is not valid JSON" });
  }
}

/** Reads the raw body as text, stopping as soon as it passes maxBytes. */
export async function readText(req: Request, maxBytes: number): Promise<string> {
  return (await readBytes(req, maxBytes)).toString("utf8");
}

/**
 * Reads the raw body bytes (webhook signatures are computed over these exact bytes), stopping
 * as soon as it passes maxBytes: the rest is never buffered. Throws AppError 413, or 400 when
 * the client hangs up mid-body.
 */
export async function readBytes(req: Request, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) throw payloadTooLarge(maxBytes);
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read().catch((error: unknown) => {
      // Only the client can break its own body stream (it hung up or timed out mid-upload).
      throw bodyCutOff(error);
    });
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw payloadTooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** The AppError for a request body the client stopped sending: a 400 nobody reads, never a 5xx. */
export function bodyCutOff(error: unknown): AppError {
  const reason = error instanceof Error && error.message ? ` (${error.message})` : "";
  return new AppError({ code: "bad_request", message: `The request body was cut off: the client closed the connection${reason}` });
}

/** The AppError (413) for a body larger than maxBytes. */
export function payloadTooLarge(maxBytes: number): AppError {
  const limit = maxBytes >= 1024 * 1024 ? `${Math.floor(maxBytes / 1024 / 1024)} MB` : `${Math.floor(maxBytes / 1024)} KB`;
  return new AppError({ code: "payload_too_large", message: `The request body is larger than ${limit}` });
}
