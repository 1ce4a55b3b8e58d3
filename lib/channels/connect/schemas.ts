import { z } from "zod";

// Inputs of the connect and update-credentials forms. Shared by the forms (client, per-field
// checks before submit) and the route handlers (server): no server imports here. Messages
// follow the field name ("must be …") so forms show "Phone number ID must be …".

const trimmed = (schema: z.ZodString) => z.string({ error: "is required" }).trim().pipe(schema);

/** An optional display name; blank means "use the provider's name". */
export const channelNameSchema = z
  .string()
  .trim()
  .max(80, "must be at most 80 characters")
  .optional()
  .transform((value) => (value ? value : undefined));

/** Meta object ids (phone number id, WABA id) are numeric strings. */
const metaIdSchema = (what: string) =>
  trimmed(
    z
      .string()
      .min(1, "is required")
      .regex(/^\d{5,25}$/, `must be the numeric ${what} from Meta's WhatsApp Manager (digits only)`),
  );

const accessTokenSchema = trimmed(
  z
    .string()
    .min(1, "is required")
    .min(20, "is too short to be a Meta access token")
    .max(4096, "is too long")
    .regex(/^\S+$/, "must not contain spaces"),
);

// Meta app secrets are 32 hexadecimal characters (App settings → Basic → App secret).
const appSecretSchema = trimmed(
  z
    .string()
    .min(1, "is required")
    .regex(/^[0-9a-fA-F]{32}$/, "must be the 32-character App secret from App settings → Basic"),
);

export const connectWhatsAppSchema = z.object({
  name: channelNameSchema,
  phoneNumberId: metaIdSchema("phone number ID"),
  wabaId: metaIdSchema("WhatsApp Business Account ID"),
  accessToken: accessTokenSchema,
  appSecret: appSecretSchema,
});
export type ConnectWhatsAppInput = z.infer<typeof connectWhatsAppSchema>;

/** Updating credentials: the app secret may be left out to keep the stored one. */
export const updateWhatsAppSchema = connectWhatsAppSchema.extend({
  appSecret: z.preprocess((value) => (typeof value === "string" && value.trim() === "" ? undefined : value), appSecretSchema.optional()),
});
export type UpdateWhatsAppInput = z.infer<typeof updateWhatsAppSchema>;

export const E164_PATTERN = /^\+[1-9]\d{6,14}$/;

/**
 * A WhatsApp sender as Twilio shows it. Accepts what people paste from the Twilio Console
 * (`whatsapp:+1 415-523-8886`) and normalises it to E.164 (`+14155238886`).
 */
export const senderSchema = z
  .string({ error: "is required" })
  .trim()
  .min(1, "is required")
  .transform((value) => value.replace(/^whatsapp:/i, "").replace(/[\s().-]/g, ""))
  .pipe(z.string().regex(E164_PATTERN, "must be an E.164 number with country code, like +14155238886"));

export const connectTwilioSchema = z.object({
  name: channelNameSchema,
  accountSid: trimmed(
    z
      .string()
      .min(1, "is required")
      .regex(/^AC[0-9a-fA-F]{32}$/, "must start with AC followed by 32 hexadecimal characters"),
  ),
  authToken: trimmed(
    z
      .string()
      .min(1, "is required")
      .min(16, "is too short to be a Twilio Auth Token")
      .max(128, "is too long")
      .regex(/^\S+$/, "must not contain spaces"),
  ),
  sender: senderSchema,
});
export type ConnectTwilioInput = z.infer<typeof connectTwilioSchema>;
export const updateTwilioSchema = connectTwilioSchema;
