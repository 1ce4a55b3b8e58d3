import "server-only";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { isPrivateAddress } from "@/lib/attachments/address-policy";
import { FLOW_LIMITS } from "@/lib/flows/definition/flow-limits";
import type { HttpRequestSpec } from "@/lib/flows/engine/engine-types";

// A flow's HTTP block, performed by the runner (issue 6 "HTTP request to an external URL").
// The URL comes from a flow author and from contact data rendered into it, so it is treated
// like any user-supplied URL (server-side request forgery): outside development every address
// the host name resolves to is checked AT CONNECTION TIME against private, loopback and
// link-local ranges (lib/attachments/address-policy.ts), so a name that resolves to 127.0.0.1 or
// the cloud metadata service, or changes its answer after validation, is refused. Redirects are
// not followed (a 3xx is an answer like any other: the block's error path). Time is capped at
// 10 s, the response body at MAX_RESPONSE_BYTES.

export const MAX_RESPONSE_BYTES = 256 * 1024;

export type HttpResult = {
  /** 2xx received in time. */
  ok: boolean;
  /** null on network error, refusal or timeout. */
  status: number | null;
  /** The parsed JSON body, or the text when not JSON, or null. */
  body: unknown;
  /** Why it failed, for the activity log (never the URL: it may carry secrets). */
  error?: string;
};

export type PerformHttpRequestOptions = {
  request: HttpRequestSpec;
  /** Allow private and loopback addresses (development and tests only: never in production). */
  allowPrivateAddresses: boolean;
};

/** Performs the request; never throws (every failure is an `ok: false` result the flow can branch on). */
export async function performHttpRequest({ request, allowPrivateAddresses }: PerformHttpRequestOptions): Promise<HttpResult> {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return failure("The URL is not valid");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return failure("Only http and https URLs can be called");
  if (url.username || url.password) return failure("URLs with a user name or password are not called");
  const host = url.hostname.replace(/^\[|\]$/g, "");
  // An IP literal never goes through `lookup`: check it here.
  if (!allowPrivateAddresses && isIP(host) !== 0 && isPrivateAddress(host)) return failure("The URL points to a private or local network address");

  const lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, "", 4);
      if (!allowPrivateAddresses && addresses.some((entry) => isPrivateAddress(entry.address))) return callback(new PrivateAddressError(), "", 4);
      if (options.all) return (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, addresses);
      const [first] = addresses;
      return first ? callback(null, first.address, first.family) : callback(new Error("no address"), "", 4);
    });
  };
  const timeoutMs = Math.min(request.timeoutMs, FLOW_LIMITS.httpTimeoutMs);

  return new Promise<HttpResult>((resolve) => {
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const headers: Record<string, string> = { "user-agent": "Switchboard flow", accept: "application/json, text/plain;q=0.9, */*;q=0.5", ...request.headers };
    if (request.body !== null) headers["content-length"] = String(Buffer.byteLength(request.body));
    const req = send(url, { method: request.method, lookup, agent: false, headers });
    const timer = setTimeout(() => req.destroy(new TimeoutError()), timeoutMs);
    const settle = (result: HttpResult) => {
      clearTimeout(timer);
      resolve(result);
    };
    req.on("error", (error) => settle(failure(describeError(error))));
    req.on("response", (res) => {
      readBody(res).then(
        (text) => {
          const status = res.statusCode ?? 0;
          settle({ ok: status >= 200 && status < 300, status, body: parseBody(text) });
        },
        (error: unknown) => {
          req.destroy();
          settle(failure(describeError(error)));
        },
      );
    });
    if (request.body !== null) req.write(request.body);
    req.end();
  });
}

class PrivateAddressError extends Error {}
class TimeoutError extends Error {}
class TooLargeError extends Error {}

function failure(error: string): HttpResult {
  return { ok: false, status: null, body: null, error };
}

function describeError(error: unknown): string {
  if (error instanceof PrivateAddressError) return "The URL's host resolves to a private or local network address";
  if (error instanceof TimeoutError) return "The request timed out";
  if (error instanceof TooLargeError) return `The response is larger than ${MAX_RESPONSE_BYTES / 1024} KB`;
  const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : "";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "The host name does not resolve";
  if (code === "ECONNREFUSED") return "The server refused the connection";
  return "The request failed";
}

function readBody(res: IncomingMessage): Promise<string> {
  const declared = Number(res.headers["content-length"]);
  if (Number.isFinite(declared) && declared > MAX_RESPONSE_BYTES) {
    res.destroy();
    return Promise.reject(new TooLargeError());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_RESPONSE_BYTES) {
        res.destroy();
        reject(new TooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    res.on("error", reject);
  });
}

/** JSON when the body parses as JSON (whatever the content type claims), else the text itself. */
function parseBody(text: string): unknown {
  if (text === "") return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
