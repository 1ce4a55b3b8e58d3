import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { classifyGraphError, classifyProviderErrorInfo, classifyTwilioError, ProviderError, redactSecrets } from "@/lib/channels/provider-error";

function fixture(path: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), "utf8"));
}

const graphBody = (code: number, extra: Record<string, unknown> = {}) => ({
  error: { message: `(#${code}) Something`, type: "OAuthException", code, fbtrace_id: "Abc123", ...extra },
});

describe("classifyGraphError: the shared graph-errors fixtures", () => {
  const cases: [file: string, status: number, expected: Partial<ProviderError>][] = [
    ["graph-error-envelope-docs-example.json", 400, { kind: "reauth", code: "190", subcode: "460" }],
    ["oauth-190-463-session-expired.json", 400, { kind: "reauth", code: "190", subcode: "463" }],
    ["instagram-login-10-2534022-outside-window.json", 403, { kind: "permanent", code: "10", subcode: "2534022" }],
    ["messenger-551-user-unavailable.json", 400, { kind: "permanent", code: "551", reason: "This person isn't available right now" }],
    ["rate-limit-4-application.json", 400, { kind: "retry", code: "4", retryAfterSeconds: 300 }],
    ["wa-130429-rate-limit-hit.json", 400, { kind: "retry", code: "130429", retryAfterSeconds: 10 }],
  ];

  it.each(cases)("%s -> %j", (file, status, expected) => {
    const error = classifyGraphError({ status, body: fixture(`graph-errors/${file}`) });
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ ...expected, httpStatus: status });
    expect(error.message).toBe(error.reason);
  });

  it("explains re-auth in words a person understands", () => {
    const error = classifyGraphError({ status: 400, body: fixture("graph-errors/oauth-190-463-session-expired.json") });
    expect(error.reason).toBe("The connection to Meta expired or was revoked: reconnect the channel");
    // Meta's own words stay available for logs.
    expect(error.providerMessage).toMatch(/^Error validating access token: Session has expired/);
  });

  it("explains the closed Instagram window", () => {
    const error = classifyGraphError({ status: 403, body: fixture("graph-errors/instagram-login-10-2534022-outside-window.json") });
    expect(error.reason).toMatch(/messaging window is closed.*7 days for a human agent reply/);
  });

  it("classifies the 131047 error object of a status webhook as a closed window", () => {
    const object = z
      .object({ code: z.number(), title: z.string(), message: z.string(), error_data: z.object({ details: z.string() }) })
      .parse(fixture("graph-errors/wa-131047-reengagement-error-object.json"));
    const error = classifyProviderErrorInfo({ code: String(object.code), title: object.title, message: object.message, details: object.error_data.details });
    expect(error).toMatchObject({ kind: "permanent", code: "131047", reason: "The 24-hour window is closed: send an approved template" });
    expect(error.providerMessage).toContain("more than 24 hours have passed");
  });
});

describe("classifyGraphError: the code table", () => {
  const cases: [code: number, subcode: number | undefined, kind: ProviderError["kind"], reason: RegExp][] = [
    [102, undefined, "reauth", /reconnect the channel/],
    [190, 467, "reauth", /reconnect the channel/],
    [10, undefined, "reauth", /missing a permission/],
    [200, undefined, "reauth", /missing a permission/],
    [299, undefined, "reauth", /missing a permission/],
    [10, 2018278, "permanent", /messaging window is closed/],
    [17, undefined, "retry", /rate limit/],
    [32, undefined, "retry", /rate limit/],
    [613, undefined, "retry", /rate limit/],
    [80001, undefined, "retry", /rate limit/],
    [80014, undefined, "retry", /rate limit/],
    [131056, undefined, "retry", /Too many messages to this person/],
    [131048, undefined, "retry", /flagged as spam/],
    [1, undefined, "retry", /temporary problem/],
    [2, undefined, "retry", /temporary problem/],
    [131047, undefined, "permanent", /^The 24-hour window is closed: send an approved template$/],
    [131026, undefined, "permanent", /couldn't deliver/],
    [131051, undefined, "permanent", /doesn't support this message type/],
    [132000, undefined, "permanent", /number of template parameters/],
    [132001, undefined, "permanent", /template doesn't exist/],
    [132015, undefined, "permanent", /paused/],
    [132016, undefined, "permanent", /disabled/],
    [551, undefined, "permanent", /isn't available right now/],
    [368, undefined, "permanent", /policy violation/],
    [100, undefined, "permanent", /rejected a parameter/],
  ];

  it.each(cases)("code %i (subcode %s) -> %s", (code, subcode, kind, reason) => {
    const error = classifyGraphError({ status: 400, body: graphBody(code, subcode === undefined ? {} : { error_subcode: subcode }) });
    expect(error.kind).toBe(kind);
    expect(error.code).toBe(String(code));
    expect(error.reason).toMatch(reason);
    if (kind === "retry") expect(error.retryAfterSeconds).toBeGreaterThan(0);
    else expect(error.retryAfterSeconds).toBeUndefined();
  });

  it("names the rejected parameter from WhatsApp's error_data.details", () => {
    const error = classifyGraphError({
      status: 400,
      body: graphBody(100, { message: "(#100) Invalid parameter", error_data: { messaging_product: "whatsapp", details: "Param text['body'] must be at most 4096 characters long." } }),
    });
    expect(error.reason).toBe("Meta rejected a parameter of this message: Param text['body'] must be at most 4096 characters long.");
  });

  it("accepts codes sent as strings", () => {
    expect(classifyGraphError({ status: 400, body: { error: { code: "131047", message: "x" } } })).toMatchObject({ kind: "permanent", code: "131047" });
  });

  it("prefers Retry-After (seconds or an HTTP date) over the default wait", () => {
    expect(classifyGraphError({ status: 400, body: graphBody(4), headers: { "Retry-After": "17" } }).retryAfterSeconds).toBe(17);
    const inOneMinute = new Date(Date.now() + 60_000).toUTCString();
    const fromDate = classifyGraphError({ status: 400, body: graphBody(4), headers: new Headers({ "retry-after": inOneMinute }) }).retryAfterSeconds;
    expect(fromDate).toBeGreaterThanOrEqual(58);
    expect(fromDate).toBeLessThanOrEqual(60);
  });

  it("reads estimated_time_to_regain_access (minutes) from X-Business-Use-Case-Usage", () => {
    const headers = {
      "x-business-use-case-usage": JSON.stringify({
        "17841405822304914": [{ type: "instagram", call_count: 100, total_cputime: 1, total_time: 1, estimated_time_to_regain_access: 3 }],
        "134895793791914": [{ type: "pages", call_count: 40, total_cputime: 1, total_time: 1, estimated_time_to_regain_access: 0 }],
      }),
    };
    expect(classifyGraphError({ status: 400, body: graphBody(80002), headers }).retryAfterSeconds).toBe(180);
    // A malformed header is ignored, not fatal.
    expect(classifyGraphError({ status: 400, body: graphBody(80002), headers: { "x-business-use-case-usage": "{not json" } }).retryAfterSeconds).toBe(300);
  });

  it("retries a 5xx or a body that is not a Graph error", () => {
    expect(classifyGraphError({ status: 500, body: "<html>oops</html>" })).toMatchObject({ kind: "retry", code: "http_500" });
    expect(classifyGraphError({ status: 400, body: null })).toMatchObject({ kind: "retry", code: "http_400" });
    expect(classifyGraphError({ status: 503, body: graphBody(987654) })).toMatchObject({ kind: "retry", code: "987654" });
  });

  it("retries an unknown code Meta marks as transient, and otherwise shows Meta's user message", () => {
    expect(classifyGraphError({ status: 400, body: graphBody(987654, { is_transient: true }) }).kind).toBe("retry");
    const error = classifyGraphError({ status: 400, body: graphBody(987654, { error_user_msg: "This feature isn't available for your account." }) });
    expect(error).toMatchObject({ kind: "permanent", reason: "This feature isn't available for your account." });
    expect(classifyGraphError({ status: 400, body: graphBody(987654, { message: "Weird failure" }) }).reason).toBe("Meta rejected the message: Weird failure");
  });

  it("scrubs secrets from every text it keeps", () => {
    const token = "EAAGsecretTokenValue0123456789abcdefXYZ";
    const error = classifyGraphError({
      status: 400,
      body: graphBody(987654, { message: `Token ${token} rejected for https://graph.facebook.com/me?access_token=${token}` }),
      secrets: [token],
    });
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain(token);
  });
});

describe("classifyTwilioError", () => {
  const twilioBody = (code: number, status: number, message = "Something") => ({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

  const cases: [code: number, status: number, kind: ProviderError["kind"], reason: RegExp][] = [
    [20003, 401, "reauth", /check the Account SID and Auth Token/],
    [20429, 429, "retry", /rate limit/],
    [63016, 400, "permanent", /^The 24-hour window is closed: send an approved template$/],
    [21211, 400, "permanent", /isn't a valid phone number/],
    [21614, 400, "permanent", /can't receive messages/],
    [63003, 400, "permanent", /can't be reached on WhatsApp/],
    [63018, 400, "retry", /rate limit for this sender/],
    [63038, 400, "retry", /daily message limit/],
    [21610, 400, "permanent", /opted out/],
  ];

  it.each(cases)("code %i (HTTP %i) -> %s", (code, status, kind, reason) => {
    const error = classifyTwilioError({ status, body: twilioBody(code, status) });
    expect(error).toMatchObject({ kind, code: String(code), httpStatus: status });
    expect(error.reason).toMatch(reason);
  });

  it("uses Retry-After and sensible defaults for retries", () => {
    expect(classifyTwilioError({ status: 429, body: twilioBody(20429, 429), headers: { "retry-after": "5" } }).retryAfterSeconds).toBe(5);
    expect(classifyTwilioError({ status: 400, body: twilioBody(63038, 400) }).retryAfterSeconds).toBe(3600);
  });

  it("retries an HTTP 429 or 5xx whatever the body", () => {
    expect(classifyTwilioError({ status: 429, body: null })).toMatchObject({ kind: "retry", code: "http_429" });
    expect(classifyTwilioError({ status: 500, body: twilioBody(20500, 500) })).toMatchObject({ kind: "retry" });
    expect(classifyTwilioError({ status: 502, body: "<html/>" })).toMatchObject({ kind: "retry", code: "http_502" });
  });

  it("treats any 401 as a credentials problem", () => {
    expect(classifyTwilioError({ status: 401, body: null }).kind).toBe("reauth");
  });

  it("shows Twilio's message for an unknown client error", () => {
    const error = classifyTwilioError({ status: 400, body: twilioBody(21999, 400, "Something unusual happened") });
    expect(error).toMatchObject({ kind: "permanent", code: "21999", reason: "Twilio rejected the message: Something unusual happened" });
  });
});

describe("classifyProviderErrorInfo (errors from status webhooks)", () => {
  it("classifies Twilio's failed status 63016 fixture", () => {
    const status = z.object({ ErrorCode: z.string(), ChannelStatusMessage: z.string() }).parse(fixture("twilio/twilio-wa-status-failed-63016.json"));
    const error = classifyProviderErrorInfo({ code: status.ErrorCode, message: status.ChannelStatusMessage });
    expect(error).toMatchObject({ kind: "permanent", code: "63016", reason: "The 24-hour window is closed: send an approved template" });
  });

  it("classifies the WhatsApp failed status 131047 fixture", () => {
    const statusSchema = z.object({
      entry: z.array(
        z.object({
          changes: z.array(
            z.object({
              value: z.object({
                statuses: z.array(
                  z.object({ errors: z.array(z.object({ code: z.number(), title: z.string(), message: z.string(), error_data: z.object({ details: z.string() }) })) }),
                ),
              }),
            }),
          ),
        }),
      ),
    });
    const [webhookError] = statusSchema.parse(fixture("whatsapp/wa-status-failed-131047.json")).entry[0].changes[0].value.statuses[0].errors;
    const error = classifyProviderErrorInfo({ code: String(webhookError.code), title: webhookError.title, message: webhookError.message, details: webhookError.error_data.details });
    expect(error).toMatchObject({ kind: "permanent", reason: "The 24-hour window is closed: send an approved template" });
  });

  it("maps other codes with the same table", () => {
    expect(classifyProviderErrorInfo({ code: "131026", message: "Message undeliverable" }).reason).toMatch(/couldn't deliver/);
    expect(classifyProviderErrorInfo({ code: "131056", message: "Pair rate limit hit" }).kind).toBe("retry");
    expect(classifyProviderErrorInfo({ code: "63003", message: "Channel could not find To address" }).reason).toMatch(/can't be reached/);
  });

  it("falls back to the provider's words for an unknown code", () => {
    const error = classifyProviderErrorInfo({ code: "30008", message: "Unknown error", details: "Message delivery failed" });
    expect(error).toMatchObject({ kind: "permanent", code: "30008", reason: "The provider couldn't deliver this message: Message delivery failed" });
  });
});

describe("redactSecrets", () => {
  it("removes given secrets, OAuth query parameters, auth headers and Meta-shaped tokens", () => {
    const text = [
      "value my-secret-value here",
      "https://graph.facebook.com/oauth/access_token?client_id=1&client_secret=abc123&code=xyz",
      "GET /me?fields=id&access_token=sometoken",
      "Authorization: Bearer abcdefghijklmnop",
      "Authorization: Basic QUMxMjM6c2VjcmV0dG9rZW4=",
      "token EAAGm0PX4ZCpsBAExampleLongLivedUserAccessToken9876543210",
    ].join("\n");
    const redacted = redactSecrets(text, ["my-secret-value"]);
    for (const secret of ["my-secret-value", "abc123", "xyz", "sometoken", "abcdefghijklmnop", "QUMxMjM6c2VjcmV0dG9rZW4=", "EAAGm0PX4ZCpsBAExample"]) {
      expect(redacted).not.toContain(secret);
    }
    expect(redacted).toContain("client_id=1");
    expect(redacted).toContain("fields=id");
  });
});
