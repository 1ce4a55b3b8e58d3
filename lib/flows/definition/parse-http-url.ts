import { FLOW_LIMITS } from "./flow-limits";

export type ParseHttpUrlOptions = {
  url: string;
  /** Allow `{{variables}}` in the path and query (never in the scheme or host). */
  allowTemplates: boolean;
};

export type ParsedHttpUrl = { ok: true; hostname: string } | { ok: false; reason: string };

/**
 * Checks that a URL typed in a block is an absolute http(s) URL without credentials. With
 * templates allowed, placeholders are only accepted after the host so the destination of a
 * request is fixed when the flow is published, whatever a contact's attributes hold.
 */
export function parseHttpUrl({ url, allowTemplates }: ParseHttpUrlOptions): ParsedHttpUrl {
  if (url.length > FLOW_LIMITS.urlLength) return { ok: false, reason: `The URL is longer than ${FLOW_LIMITS.urlLength} characters` };
  const scheme = /^(https?):\/\/([^/?#]*)/i.exec(url);
  if (!scheme) return { ok: false, reason: "The URL must start with http:// or https://" };
  if (scheme[2].includes("{{") || scheme[2].includes("}}")) {
    return { ok: false, reason: "Variables are not allowed in the host name" };
  }
  if (!allowTemplates && url.includes("{{")) return { ok: false, reason: "Variables are not allowed in this URL" };
  let parsed: URL;
  try {
    parsed = new URL(url.replace(/\{\{[^{}]*\}\}/g, "x"));
  } catch {
    return { ok: false, reason: "The URL is not valid" };
  }
  if (parsed.hostname === "") return { ok: false, reason: "The URL has no host name" };
  if (parsed.username !== "" || parsed.password !== "") {
    return { ok: false, reason: "Credentials are not allowed in the URL: send them in a header" };
  }
  return { ok: true, hostname: parsed.hostname };
}
