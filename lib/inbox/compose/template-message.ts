import type { ChannelKind, OutboundMessage } from "@/lib/channels/types";
import { contentVariables, type RenderedTemplate } from "./template-variables";

// The OutboundMessage of a filled-in template, per channel. WhatsApp Cloud API sends the
// template by name + language with Graph's components; Twilio sends a Content template by its
// Content SID (HX…, stored as MessageTemplate.externalId, carried as `contentSid`) with
// ContentVariables keyed by the content's own placeholders, which lib/channels/twilio/send.ts
// reads from the single record in `components`. `name` stays the template's friendly name on
// every channel: the thread and the compliance record show it. Shared by the composer and the
// campaign dispatcher. Pure.

const CONTENT_SID = /^HX[0-9a-fA-F]{32}$/;

export type TemplateForSend = { name: string; language: string; externalId?: string | null; components: unknown };

export type ToTemplateMessageOptions = {
  channelType: ChannelKind;
  template: TemplateForSend;
  /** The values by the keys analyzeTemplate() names. */
  variables: Record<string, string>;
  rendered: Extract<RenderedTemplate, { ok: true }>;
};

export type TemplateMessageResult = { ok: true; message: Extract<OutboundMessage, { type: "template" }> } | { ok: false; reason: string };

/** Never throws: a template that can't be sent on this channel comes back with the reason. */
export function toTemplateMessage({ channelType, template, variables, rendered }: ToTemplateMessageOptions): TemplateMessageResult {
  if (channelType !== "twilio_whatsapp") {
    return { ok: true, message: { type: "template", name: template.name, language: template.language, components: rendered.components, text: rendered.text } };
  }
  if (!template.externalId || !CONTENT_SID.test(template.externalId)) {
    return { ok: false, reason: `The template "${template.name}" has no Twilio Content SID: sync the templates again` };
  }
  const values = contentVariables({ components: template.components, variables });
  return {
    ok: true,
    message: {
      type: "template",
      name: template.name,
      language: template.language,
      components: Object.keys(values).length > 0 ? [values] : [],
      text: rendered.text,
      contentSid: template.externalId,
    },
  };
}
