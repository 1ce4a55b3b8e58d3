import type { IncomingMessage } from "node:http";
import { bodyCutOff, payloadTooLarge } from "./parse-body";

/**
 * readBytes() for a node:http request (the webhook path served outside Next.js): the raw body,
 * AppError 413 as soon as it passes maxBytes (what is left is never buffered; the caller answers
 * with `Connection: close`), AppError 400 when the client hangs up mid-body.
 */
export function readNodeBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(payloadTooLarge(maxBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        reject(payloadTooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(bodyCutOff(error));
    };
    const onAborted = () => onError(Object.assign(new Error("aborted"), { code: "ECONNRESET" }));
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("aborted", onAborted);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("aborted", onAborted);
  });
}
