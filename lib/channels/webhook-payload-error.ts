import type { ZodError } from "zod";
import type { ChannelKind } from "@/lib/channels/types";
import { AppError } from "@/lib/http/errors";

/**
 * A webhook body that cannot be a delivery from the provider at all (not the envelope its docs
 * describe). Parsers throw it only for that: parts they merely do not understand are returned in
 * `ParsedWebhook.ignored` instead, because Meta and Twilio add fields and event types without
 * notice and one odd item must never lose the rest of a batch.
 *
 * It is an AppError with code `bad_request`, so a route wrapper answers 400 without a stack trace.
 */
export class WebhookPayloadError extends AppError {
  readonly provider: ChannelKind;

  constructor(provider: ChannelKind, message: string) {
    super({ code: "bad_request", message });
    this.name = "WebhookPayloadError";
    this.provider = provider;
  }
}

/** One readable line out of a ZodError, for `ignored[].reason` and error messages. */
export function summarizeZodError(error: ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid payload";
  const path = issue.path.map(String).join(".");
  return path ? `${path}: ${issue.message}` : issue.message;
}
