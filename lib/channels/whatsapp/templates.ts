import { ProviderError } from "@/lib/channels/provider-error";

// WhatsApp message templates as the Cloud API expects them in `template`. The components array
// (header/body/button parameters) is passed through untouched: it is built by the template
// picker against the template's approved definition, and Meta validates it (132000-series errors).

export type WhatsAppTemplateInput = { name: string; language: string; components?: unknown[] };

export type WhatsAppTemplatePayload = { name: string; language: { code: string }; components?: unknown[] };

/** Builds the `template` object of a send request; throws a permanent ProviderError when the name or language cannot be valid. */
export function buildWhatsAppTemplate({ name, language, components }: WhatsAppTemplateInput): WhatsAppTemplatePayload {
  // Template names are lowercase letters, digits and underscores, at most 512 characters.
  if (!/^[a-z0-9_]{1,512}$/.test(name)) {
    throw new ProviderError({
      kind: "permanent",
      code: "invalid_message",
      reason: "A WhatsApp template name has only lowercase letters, digits and underscores",
    });
  }
  // Language codes look like en, en_US, pt_BR, zh_Hant_HK.
  if (!/^[a-z]{2,3}(_[A-Za-z]{2,4})*$/.test(language)) {
    throw new ProviderError({ kind: "permanent", code: "invalid_message", reason: `"${language}" isn't a WhatsApp template language code such as en_US` });
  }
  return { name, language: { code: language }, ...(components && components.length > 0 ? { components } : {}) };
}
