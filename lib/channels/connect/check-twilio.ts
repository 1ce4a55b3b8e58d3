import "server-only";
import { z } from "zod";
import { AppError } from "@/lib/http/errors";
import { buildTwilioUrl } from "@/lib/channels/config";
import { requestProvider } from "@/lib/channels/http";
import { classifyTwilioError } from "@/lib/channels/provider-error";
import { twilioAccountCheckError } from "./connect-errors";

const accountSchema = z.object({ sid: z.string(), friendly_name: z.string().optional(), status: z.string().optional() });

export type TwilioAccountProfile = { friendlyName: string | null };

/**
 * GET /2010-04-01/Accounts/{AccountSid}.json with HTTP Basic auth: proves the SID and Auth Token
 * belong together and the account is usable. Throws AppError 422 (field authToken / accountSid)
 * or 502 when Twilio is unreachable.
 */
export async function checkTwilioAccount({ accountSid, authToken }: { accountSid: string; authToken: string }): Promise<TwilioAccountProfile> {
  const basic = Buffer.from(`${accountSid}:${authToken}`).toString("base64");
  const secrets = [authToken, basic];
  const answer = await requestProvider({
    url: buildTwilioUrl(`2010-04-01/Accounts/${encodeURIComponent(accountSid)}.json`),
    headers: { Authorization: `Basic ${basic}` },
    secrets,
    timeoutMs: 10_000,
  });
  if (!answer.ok) throw twilioAccountCheckError(classifyTwilioError({ ...answer, secrets }));
  const parsed = accountSchema.safeParse(answer.body);
  if (!parsed.success) throw new AppError({ code: "provider_error", message: "Twilio answered the account check in an unexpected format. Nothing was saved; try again." });
  if (parsed.data.status && parsed.data.status !== "active") {
    throw new AppError({ code: "unprocessable", field: "accountSid", message: `This Twilio account is ${parsed.data.status}; only active accounts can send WhatsApp messages` });
  }
  return { friendlyName: parsed.data.friendly_name ?? null };
}
