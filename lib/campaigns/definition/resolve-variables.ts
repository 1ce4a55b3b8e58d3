import type { VariableSource } from "./content-schema";

// Template variables for one recipient, from the campaign's mapping (content-schema.ts). Pure and
// client-safe: the wizard previews a recipient with it and the dispatcher sends with it, so the
// preview is exactly what goes out.

export type VariableContact = {
  displayName: string | null;
  username: string | null;
  phone: string | null;
  /** WhatsApp: the wa_id digits, used as the phone number when `phone` is empty. */
  externalId: string;
  channelType: string;
  attributes: unknown;
};

export type ResolvedVariables = { ok: true; values: Record<string, string> } | { ok: false; missing: string[] };

export function resolveVariables(mapping: Record<string, VariableSource>, contact: VariableContact): ResolvedVariables {
  const values: Record<string, string> = {};
  const missing: string[] = [];
  for (const [key, source] of Object.entries(mapping)) {
    const value = (source.source === "constant" ? source.value : (read(source, contact) ?? source.fallback ?? "")).trim();
    if (value === "") missing.push(key);
    else values[key] = value;
  }
  return missing.length > 0 ? { ok: false, missing } : { ok: true, values };
}

function read(source: Exclude<VariableSource, { source: "constant" }>, contact: VariableContact): string | null {
  if (source.source === "attribute") {
    const attributes = contact.attributes;
    if (typeof attributes !== "object" || attributes === null || !Object.hasOwn(attributes, source.key)) return null;
    const value = (attributes as Record<string, unknown>)[source.key];
    return typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? String(value) : null;
  }
  switch (source.field) {
    case "name":
      return blankToNull(contact.displayName);
    case "first_name":
      return blankToNull(contact.displayName?.trim().split(/\s+/)[0]);
    case "username":
      return blankToNull(contact.username);
    case "phone":
      return blankToNull(contact.phone) ?? (contact.channelType === "whatsapp_cloud" || contact.channelType === "twilio_whatsapp" ? `+${contact.externalId}` : null);
  }
}

function blankToNull(value: string | null | undefined): string | null {
  return value === null || value === undefined || value.trim() === "" ? null : value;
}
