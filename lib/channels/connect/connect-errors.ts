import { AppError } from "@/lib/http/errors";
import type { ProviderError } from "@/lib/channels/provider-error";

// What a failed live check means for the connect form: which field is wrong and why, in the
// provider's own words (scrubbed of secrets by the classifier). Outages and network failures are
// not the owner's fault: 502, nothing saved, try again.

const GRAPH_PERMISSION_CODES = (code: number) => code === 3 || code === 10 || (code >= 200 && code <= 299);

function providerWords(error: ProviderError): string {
  return error.providerMessage ?? error.reason;
}

function unavailable(provider: "Meta" | "Twilio", error: ProviderError): AppError {
  return new AppError({
    code: "provider_error",
    message: `${provider} could not be reached to check the credentials (${error.reason.replace(/; the message will be retried$/, "")}). Nothing was saved; try again.`,
  });
}

/** GET /{phone-number-id} failed: a bad token, or a number the token cannot see. */
export function whatsAppNumberCheckError(error: ProviderError): AppError {
  if (error.kind === "retry") return unavailable("Meta", error);
  const code = Number(error.code);
  if (code === 190 || code === 102 || code === 0) {
    return new AppError({ code: "unprocessable", field: "accessToken", message: `Meta rejected the access token: ${providerWords(error)}` });
  }
  if (GRAPH_PERMISSION_CODES(code)) {
    return new AppError({
      code: "unprocessable",
      field: "accessToken",
      message: `The access token is missing a permission (whatsapp_business_messaging and whatsapp_business_management are needed): ${providerWords(error)}`,
    });
  }
  if (code === 100 || code === 803) {
    return new AppError({
      code: "unprocessable",
      field: "phoneNumberId",
      message: "Meta has no phone number with this ID that the access token can use. Copy the Phone number ID from WhatsApp Manager → API Setup.",
    });
  }
  return new AppError({ code: "unprocessable", field: "phoneNumberId", message: `Meta rejected the phone number check: ${providerWords(error)}` });
}

/** POST /{waba-id}/subscribed_apps failed: the app could not be subscribed to the WABA's webhooks. */
export function whatsAppSubscribeError(error: ProviderError): AppError {
  if (error.kind === "retry") return unavailable("Meta", error);
  return new AppError({
    code: "unprocessable",
    field: "wabaId",
    message: `Meta did not subscribe Switchboard to this WhatsApp Business Account's webhooks: ${providerWords(error)}. Check the WhatsApp Business Account ID and that the token can manage it.`,
  });
}

/** GET /2010-04-01/Accounts/{sid}.json failed. */
export function twilioAccountCheckError(error: ProviderError): AppError {
  if (error.kind === "retry") return unavailable("Twilio", error);
  if (error.code === "20003" || error.httpStatus === 401) {
    return new AppError({ code: "unprocessable", field: "authToken", message: "Twilio rejected the Account SID or Auth Token" });
  }
  if (error.code === "20404" || error.httpStatus === 404) {
    return new AppError({ code: "unprocessable", field: "accountSid", message: "Twilio has no account with this Account SID" });
  }
  return new AppError({ code: "unprocessable", field: "accountSid", message: `Twilio rejected the account check: ${providerWords(error)}` });
}
