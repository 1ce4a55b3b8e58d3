import { describe, expect, it } from "vitest";
import { twilioAccountCheckError, whatsAppNumberCheckError, whatsAppSubscribeError } from "@/lib/channels/connect/connect-errors";
import { classifyGraphError, classifyTwilioError } from "@/lib/channels/provider-error";

const graph = (status: number, error: Record<string, unknown>, secrets: string[] = []) => classifyGraphError({ status, body: { error: { fbtrace_id: "A1", ...error } }, secrets });

describe("connect error mapping", () => {
  it("puts a rejected token on accessToken, in Meta's words, without the token", () => {
    const token = "EAAGm0PX4ZCpsBAsecretsecretsecretsecret";
    const error = whatsAppNumberCheckError(graph(401, { message: `Invalid OAuth access token - Cannot parse access token ${token}`, type: "OAuthException", code: 190 }, [token]));
    expect(error).toMatchObject({ code: "unprocessable", field: "accessToken", status: 422 });
    expect(error.message).toContain("Invalid OAuth access token");
    expect(error.message).not.toContain(token);
  });

  it("puts an unknown number on phoneNumberId and a missing permission on accessToken", () => {
    expect(whatsAppNumberCheckError(graph(400, { message: "Unsupported get request.", type: "GraphMethodException", code: 100, error_subcode: 33 })).field).toBe("phoneNumberId");
    expect(whatsAppNumberCheckError(graph(403, { message: "(#200) Permissions error", type: "OAuthException", code: 200 })).field).toBe("accessToken");
  });

  it("puts any refused subscription on wabaId", () => {
    const error = whatsAppSubscribeError(graph(400, { message: "(#100) Invalid parameter", type: "OAuthException", code: 100 }));
    expect(error).toMatchObject({ field: "wabaId", status: 422 });
  });

  it("answers 502 without a field when the provider is down", () => {
    const down = whatsAppSubscribeError(classifyGraphError({ status: 503, body: "Service Unavailable" }));
    expect(down).toMatchObject({ code: "provider_error", status: 502, field: undefined });
    expect(down.message).toContain("Nothing was saved");
    expect(twilioAccountCheckError(classifyTwilioError({ status: 500, body: null })).status).toBe(502);
  });

  it("says Twilio rejected the SID or token on authToken for 20003", () => {
    const error = twilioAccountCheckError(classifyTwilioError({ status: 401, body: { code: 20003, message: "Authenticate", more_info: "https://www.twilio.com/docs/errors/20003", status: 401 } }));
    expect(error).toMatchObject({ field: "authToken", message: "Twilio rejected the Account SID or Auth Token", status: 422 });
  });
});
