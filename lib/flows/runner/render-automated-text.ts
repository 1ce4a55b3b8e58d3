import { renderTemplate } from "@/lib/flows/engine/render-template";
import type { ContactState } from "./runner-types";

export type RenderAutomatedTextOptions = { template: string; contact: Pick<ContactState, "displayName" | "username" | "phone" | "email" | "attributes"> };

/**
 * The welcome or away message for this contact: `{{contact.first_name|there}}` and
 * `{{attributes.city}}` placeholders filled like a flow's message block (same scope names), an
 * unknown or empty value rendering its fallback. The settings API refuses other variables.
 */
export function renderAutomatedText({ template, contact }: RenderAutomatedTextOptions): string {
  const firstName = contact.displayName?.trim().split(/\s+/)[0] ?? null;
  const scope = {
    contact: { name: contact.displayName, first_name: firstName, username: contact.username, phone: contact.phone, email: contact.email },
    attributes: contact.attributes,
  };
  return renderTemplate({ template, scope });
}
