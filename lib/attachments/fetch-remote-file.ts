import "server-only";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { z } from "zod";
import { AppError } from "@/lib/http/errors";
import { isPrivateAddress } from "./address-policy";

// Fetches a file from a URL an agent typed, for POST /api/attachments { url }. node:http rather
// than fetch(): its `lookup` hook lets us check the address each connection actually goes to
// (fetch resolves names itself), which closes the DNS-rebinding gap between "check the name"
// and "connect". Redirects are followed by hand, each hop checked the same way.

const DEFAULT_TIMEOUT_MS = 15_000;
const MAX_REDIRECTS = 3;

export type FetchRemoteFileOptions = {
  url: string;
  maxBytes: number;
  /** Whole fetch, redirects included. Default 15 s. */
  timeoutMs?: number;
  /** Allow private, loopback and link-local addresses (development); see allowPrivateAttachmentUrls(). */
  allowPrivateAddresses: boolean;
};

export type RemoteFile = { bytes: Buffer; contentType: string | null; fileName: string | null; url: string };

/**
 * Downloads `url` (http or https only) into memory, refusing private addresses unless allowed,
 * bodies over maxBytes and anything slower than timeoutMs. Throws AppError 422 (field "url") for
 * a URL that cannot be fetched, 413 when the file is too large.
 */
export async function fetchRemoteFile({ url, maxBytes, timeoutMs = DEFAULT_TIMEOUT_MS, allowPrivateAddresses }: FetchRemoteFileOptions): Promise<RemoteFile> {
  const deadline = Date.now() + timeoutMs;
  let current = parseUrl(url);
  for (let hop = 0; ; hop++) {
    const answer = await requestOnce({ url: current, maxBytes, deadline, allowPrivateAddresses });
    if (answer.kind === "file") return { ...answer.file, url: current.toString() };
    if (hop >= MAX_REDIRECTS) throw unfetchable(`The URL redirected more than ${MAX_REDIRECTS} times`);
    current = parseUrl(new URL(answer.location, current).toString());
  }
}

/**
 * Whether attachment URLs may point at private addresses: ATTACHMENT_FETCH_ALLOW_PRIVATE when set
 * ("true" / "false"), otherwise only outside production (local development fetches from localhost).
 */
export function allowPrivateAttachmentUrls(env: Record<string, string | undefined> = process.env): boolean {
  const flag = z.enum(["true", "false"]).optional().parse(env.ATTACHMENT_FETCH_ALLOW_PRIVATE || undefined);
  if (flag) return flag === "true";
  return env.NODE_ENV !== "production";
}

function parseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw unfetchable("This isn't a valid URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw unfetchable("Only http and https URLs can be fetched");
  if (url.username || url.password) throw unfetchable("URLs with a user name or password aren't fetched");
  return url;
}

type RequestOnceOptions = { url: URL; maxBytes: number; deadline: number; allowPrivateAddresses: boolean };
type Answer = { kind: "file"; file: Omit<RemoteFile, "url"> } | { kind: "redirect"; location: string };

class PrivateAddressError extends Error {}

function requestOnce({ url, maxBytes, deadline, allowPrivateAddresses }: RequestOnceOptions): Promise<Answer> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  // An IP literal never goes through `lookup`: check it here.
  if (!allowPrivateAddresses && isIP(host) !== 0 && isPrivateAddress(host)) {
    return Promise.reject(unfetchable("This URL points to a private or local network address, which isn't allowed"));
  }
  const lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, "", 4);
      if (!allowPrivateAddresses && addresses.some((entry) => isPrivateAddress(entry.address))) {
        return callback(new PrivateAddressError(hostname), "", 4);
      }
      if (options.all) return (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, addresses);
      const [first] = addresses;
      return first ? callback(null, first.address, first.family) : callback(new Error(`No address for ${hostname}`), "", 4);
    });
  };

  return new Promise<Answer>((resolve, reject) => {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return reject(unfetchable("The URL didn't answer in time"));
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const req = send(url, { method: "GET", lookup, agent: false, headers: { "User-Agent": "Switchboard attachment fetch", Accept: "*/*" } });
    const timer = setTimeout(() => req.destroy(unfetchable("The URL didn't answer in time")), remaining);
    const fail = (error: unknown) => {
      clearTimeout(timer);
      reject(toAppError(error));
    };
    req.on("error", fail);
    req.on("response", (res) => {
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (status >= 300 && status < 400 && location) {
        res.resume();
        clearTimeout(timer);
        return resolve({ kind: "redirect", location });
      }
      if (status < 200 || status >= 300) {
        res.resume();
        return fail(unfetchable(`The URL answered with HTTP ${status}`));
      }
      readBody(res, maxBytes).then((bytes) => {
        clearTimeout(timer);
        resolve({ kind: "file", file: { bytes, contentType: res.headers["content-type"] ?? null, fileName: fileNameOf(res, url) } });
      }, fail);
    });
    req.end();
  });
}

function readBody(res: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(res.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    res.destroy();
    return Promise.reject(tooLarge(maxBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        res.destroy();
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    res.on("end", () => resolve(Buffer.concat(chunks)));
    res.on("error", reject);
  });
}

// Content-Disposition's filename* (RFC 5987) or filename, else the last path segment.
function fileNameOf(res: IncomingMessage, url: URL): string | null {
  const disposition = res.headers["content-disposition"] ?? "";
  const extended = disposition.match(/filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/);
  if (extended) {
    try {
      return decodeURIComponent(extended[1].trim());
    } catch {
      // Malformed escapes: fall through to the plain parameter.
    }
  }
  const plain = disposition.match(/filename\s*=\s*"([^"]*)"|filename\s*=\s*([^;]+)/);
  if (plain) return (plain[1] ?? plain[2]).trim();
  const segment = url.pathname.split("/").filter(Boolean).at(-1);
  try {
    return segment ? decodeURIComponent(segment) : null;
  } catch {
    return segment ?? null;
  }
}

function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof PrivateAddressError) return unfetchable("This URL points to a private or local network address, which isn't allowed");
  const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : "";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return unfetchable("The URL's host name doesn't resolve");
  if (code === "ECONNREFUSED") return unfetchable("The URL's server refused the connection");
  return unfetchable("The URL couldn't be fetched");
}

function unfetchable(message: string) {
  return new AppError({ code: "unprocessable", message, field: "url" });
}

function tooLarge(maxBytes: number) {
  return new AppError({ code: "payload_too_large", message: `The file at the URL is larger than ${Math.floor(maxBytes / 1024 / 1024)} MB`, field: "url" });
}
