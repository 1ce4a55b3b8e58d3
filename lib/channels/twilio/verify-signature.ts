import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export type VerifyTwilioSignatureOptions = {
  /** The full public URL Twilio requested, with its query string, as configured in Twilio. */
  url: string;
  /** The POST form parameters (see parseTwilioForm); repeated keys as arrays. */
  params: Record<string, string | string[]>;
  /** The `X-Twilio-Signature` header value; null when the header is absent. */
  header: string | null;
  authToken: string;
  /**
   * The raw body, needed only for JSON bodies: then Twilio adds `bodySHA256=<hex>` to the URL,
   * signs the URL alone, and the body must hash to that value.
   */
  rawBody?: string | Uint8Array;
};

/**
 * Checks Twilio's `X-Twilio-Signature`: Base64(HMAC-SHA1(auth token, URL + every POST parameter
 * name and value, sorted by name)). Compares in constant time and returns false (never throws)
 * for a missing header, an empty token or a URL that does not parse.
 *
 * Twilio is inconsistent about the URL it signs, so like twilio-node this accepts the URL as
 * given, as WHATWG-normalised (`'` → `%27`, default port dropped) and with the default port
 * (`:443` / `:80`) written out.
 */
export function verifyTwilioSignature({ url, params, header, authToken, rawBody }: VerifyTwilioSignatureOptions): boolean {
  if (!authToken || !header) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }

  const bodyHash = parsed.searchParams.get("bodySHA256");
  if (bodyHash !== null) {
    // JSON body: the signature covers the URL only, and the body is bound through its hash.
    if (rawBody === undefined) return false;
    const actualHash = createHash("sha256").update(rawBody).digest("hex");
    if (!equalInConstantTime(bodyHash.toLowerCase(), actualHash)) return false;
  }
  const signedParams = bodyHash === null ? params : {};

  let valid = false;
  // Every candidate is computed and compared, so the time taken does not say which one matched.
  for (const candidate of candidateUrls(url, parsed)) {
    const expected = computeTwilioSignature({ authToken, url: candidate, params: signedParams });
    if (equalInConstantTime(header.trim(), expected)) valid = true;
  }
  return valid;
}

export type ComputeTwilioSignatureOptions = {
  authToken: string;
  url: string;
  params: Record<string, string | string[]>;
};

/** The signature Twilio sends for exactly this URL string and these parameters. */
export function computeTwilioSignature({ authToken, url, params }: ComputeTwilioSignatureOptions): string {
  let data = url;
  // Default sort compares UTF-16 code units, which equals byte order for Twilio's ASCII names.
  for (const name of Object.keys(params).sort()) {
    const value = params[name];
    // Repeated keys: each distinct value once, values sorted (what twilio-node signs).
    const values = Array.isArray(value) ? [...new Set(value)].sort() : [value];
    for (const item of values) data += name + item;
  }
  return createHmac("sha1", authToken).update(data, "utf8").digest("base64");
}

function candidateUrls(raw: string, parsed: URL): string[] {
  const candidates = new Set([raw, parsed.toString()]);
  if (parsed.port === "") candidates.add(withDefaultPort(parsed));
  return [...candidates];
}

// WHATWG URL never prints a default port, so the `:443` / `:80` form is assembled by hand.
function withDefaultPort(url: URL): string {
  const port = url.protocol === "https:" ? "443" : "80";
  const credentials = url.username || url.password ? `${url.username}${url.password ? `:${url.password}` : ""}@` : "";
  return `${url.protocol}//${credentials}${url.hostname}:${port}${url.pathname}${url.search}${url.hash}`;
}

function equalInConstantTime(received: string, expected: string): boolean {
  const a = Buffer.from(received, "utf8");
  const b = Buffer.from(expected, "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}
