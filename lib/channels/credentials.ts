import "server-only";
import { z } from "zod";
import { decryptJson } from "@/lib/crypto/secrets";

// The decrypted shapes of Channel.credentialsEncrypted, per channel type.

export const whatsAppCredentialsSchema = z.object({
  phoneNumberId: z.string().min(1),
  wabaId: z.string().min(1),
  accessToken: z.string().min(1),
  appSecret: z.string().min(1),
  verifyToken: z.string().min(16),
});

export const twilioCredentialsSchema = z.object({
  accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, "must look like AC followed by 32 hex characters"),
  authToken: z.string().min(1),
  /** E.164 sender number, e.g. +14155238886 */
  sender: z.string().regex(/^\+[1-9]\d{6,14}$/, "must be an E.164 number like +14155238886"),
});

export const instagramCredentialsSchema = z.object({
  pageId: z.string().min(1),
  igAccountId: z.string().min(1),
  pageAccessToken: z.string().min(1),
});

export type WhatsAppCredentials = z.infer<typeof whatsAppCredentialsSchema>;
export type TwilioCredentials = z.infer<typeof twilioCredentialsSchema>;
export type InstagramCredentials = z.infer<typeof instagramCredentialsSchema>;

const schemas = {
  whatsapp_cloud: whatsAppCredentialsSchema,
  twilio_whatsapp: twilioCredentialsSchema,
  instagram: instagramCredentialsSchema,
} as const;

type CredentialsByType = { [K in keyof typeof schemas]: z.infer<(typeof schemas)[K]> };

/** Decrypts and validates a channel's credentials; throws when missing or malformed. */
export function readCredentials<T extends keyof typeof schemas>(type: T, encrypted: string | null): CredentialsByType[T] {
  if (!encrypted) throw new Error(`The ${type} channel has no credentials`);
  return schemas[type].parse(decryptJson(encrypted)) as CredentialsByType[T];
}
