import { z } from "zod";
import type { SyncedTemplate } from "./parse-templates";

// One page of Twilio's GET /v1/ContentAndApprovals, turned into the MessageTemplate shape the
// rest of the app reads (Graph-like components: HEADER / BODY / FOOTER / BUTTONS), so the
// composer, the campaign checks and the preview treat a Twilio Content template like a
// WhatsApp Cloud one. Read defensively: an entry without a valid HX sid or a language is
// skipped (it cannot be sent or keyed); unknown fields are ignored. Pure.
//
// What is sent later is the Content SID (externalId) and ContentVariables keyed by the
// content's own placeholders ("1", "first_name"), never the components stored here.

const SID = /^HX[0-9a-fA-F]{32}$/;

const approvalSchema = z.looseObject({
  name: z.string().nullish(),
  category: z.string().nullish(),
  content_type: z.string().nullish(),
  status: z.string().nullish(),
  rejection_reason: z.string().nullish(),
});

const contentSchema = z.looseObject({
  sid: z.string().regex(SID),
  friendly_name: z.string().nullish(),
  language: z.string().min(1),
  types: z.record(z.string(), z.unknown()).nullish(),
  // The documented shape is the WhatsApp approval object itself; some answers nest it under
  // `whatsapp` (as GET /v1/Content/{Sid}/ApprovalRequests does). Both are read.
  approval_requests: z.unknown().optional(),
});

const pageSchema = z.object({
  contents: z.array(z.unknown()),
  meta: z.looseObject({ next_page_url: z.string().nullish() }).optional(),
});

const actionSchema = z.looseObject({ type: z.string().optional(), title: z.string().optional(), url: z.string().optional(), phone: z.string().optional(), id: z.string().optional() });
const typeBodySchema = z.looseObject({
  body: z.string().optional(),
  title: z.string().optional(),
  subtitle: z.string().optional(),
  media: z.array(z.string()).optional(),
  actions: z.array(actionSchema).optional(),
});

export type TwilioContentPage = { templates: SyncedTemplate[]; next: string | null; skipped: number };

/** Parses one page; returns null when the body is not a ContentAndApprovals listing at all. */
export function parseTwilioContentPage(body: unknown): TwilioContentPage | null {
  const page = pageSchema.safeParse(body);
  if (!page.success) return null;
  const templates: SyncedTemplate[] = [];
  let skipped = 0;
  for (const entry of page.data.contents) {
    const parsed = contentSchema.safeParse(entry);
    if (!parsed.success) {
      skipped++;
      continue;
    }
    templates.push(toTemplate(parsed.data));
  }
  return { templates, next: page.data.meta?.next_page_url || null, skipped };
}

type Content = z.infer<typeof contentSchema>;

function toTemplate(content: Content): SyncedTemplate {
  const approval = readApproval(content.approval_requests);
  const status = approvalStatus(approval?.status);
  const types = content.types ?? {};
  const contentType = pickContentType(types, approval?.content_type ?? undefined);
  return {
    externalId: content.sid,
    name: content.friendly_name?.trim() || content.sid,
    language: content.language,
    category: approval?.category ? approval.category.toUpperCase() : null,
    status,
    reason: status === "REJECTED" && approval?.rejection_reason ? approval.rejection_reason : null,
    components: contentType ? toComponents(contentType, types[contentType]) : [{ type: "UNKNOWN" }],
  };
}

function readApproval(value: unknown): z.infer<typeof approvalSchema> | null {
  const nested = z.looseObject({ whatsapp: approvalSchema }).safeParse(value);
  if (nested.success) return nested.data.whatsapp;
  const flat = approvalSchema.safeParse(value);
  return flat.success ? flat.data : null;
}

/**
 * WhatsApp's approval state as Switchboard stores it. Only APPROVED may be sent outside the
 * 24-hour window; a content never submitted to WhatsApp is UNSUBMITTED.
 */
export function approvalStatus(status: string | null | undefined): string {
  const value = (status ?? "").trim().toLowerCase();
  if (value === "" || value === "unsubmitted" || value === "none") return "UNSUBMITTED";
  if (value === "approved") return "APPROVED";
  if (value === "rejected") return "REJECTED";
  if (value === "pending" || value === "received") return "PENDING";
  return value.toUpperCase().replace(/[\s-]+/g, "_");
}

/**
 * The type WhatsApp receives. A content can carry several types (fallbacks for other
 * channels): the approved one when Twilio names it, else the richest one, twilio/text last.
 */
function pickContentType(types: Record<string, unknown>, approved: string | undefined): string | undefined {
  const keys = Object.keys(types);
  if (approved && keys.includes(approved)) return approved;
  return keys.find((key) => key !== "twilio/text") ?? keys[0];
}

const BUTTON_TYPES: Record<string, string> = { URL: "URL", PHONE_NUMBER: "PHONE_NUMBER", PHONE: "PHONE_NUMBER", QUICK_REPLY: "QUICK_REPLY" };

/** The Graph-like components of one Twilio content type (see template-variables.ts for how they are read). */
export function toComponents(contentType: string, value: unknown): unknown[] {
  const parsed = typeBodySchema.safeParse(value);
  const type = parsed.success ? parsed.data : {};
  const body = (text: string | undefined) => (text !== undefined ? [{ type: "BODY", text }] : []);
  const mediaHeader = type.media && type.media.length > 0 ? [{ type: "HEADER", format: mediaFormat(type.media[0]) }] : [];
  switch (contentType) {
    case "twilio/text":
      return body(type.body);
    case "twilio/media":
      // The media URL is part of the approved content; the composer has no way to show or
      // change it yet, so the template is kept but reported unsupported (media header).
      return [...mediaHeader, ...body(type.body)];
    case "twilio/quick-reply":
      return [...body(type.body), { type: "BUTTONS", buttons: (type.actions ?? []).map((action) => ({ type: "QUICK_REPLY", text: action.title ?? "" })) }];
    case "twilio/call-to-action":
      return [...body(type.body), { type: "BUTTONS", buttons: (type.actions ?? []).map(toButton) }];
    case "twilio/card": {
      const footer = type.subtitle ? [{ type: "FOOTER", text: type.subtitle }] : [];
      const buttons = type.actions && type.actions.length > 0 ? [{ type: "BUTTONS", buttons: type.actions.map(toButton) }] : [];
      return [...mediaHeader, ...body(type.title ?? type.body), ...footer, ...buttons];
    }
    default:
      // Location, list picker, carousel, catalog, authentication, flows…: a part the composer
      // can't fill, named after the Twilio type (analyzeTemplate reports it unsupported).
      return [...body(type.body), { type: contentType.replace(/^twilio\//, "").replace(/-/g, "_").toUpperCase() }];
  }
}

function toButton(action: z.infer<typeof actionSchema>) {
  const type = BUTTON_TYPES[(action.type ?? "").toUpperCase()] ?? (action.type ?? "UNKNOWN").toUpperCase();
  return { type, text: action.title ?? "", ...(action.url ? { url: action.url } : {}), ...(action.phone ? { phone_number: action.phone } : {}) };
}

function mediaFormat(url: string): string {
  const path = url.split("?")[0].toLowerCase();
  if (/\.(mp4|3gp|mov)$/.test(path)) return "VIDEO";
  if (/\.(pdf|docx?|xlsx?|pptx?|txt)$/.test(path)) return "DOCUMENT";
  return "IMAGE";
}

export type DuplicateTemplate = { name: string; language: string; sids: string[] };

/**
 * Twilio's friendly_name is not unique, but a template is keyed by channel + name + language.
 * When several contents share a name and language, the approved one (else the first listed)
 * keeps the plain name and the others are stored as "name (HX…)", so every content stays
 * sendable under a name that names its SID. The duplicates are reported, never an error.
 */
export function disambiguateNames(templates: SyncedTemplate[]): { templates: SyncedTemplate[]; duplicates: DuplicateTemplate[] } {
  const groups = new Map<string, SyncedTemplate[]>();
  for (const template of templates) {
    const key = `${template.name}\u0000${template.language}`;
    groups.set(key, [...(groups.get(key) ?? []), template]);
  }
  const duplicates: DuplicateTemplate[] = [];
  const result: SyncedTemplate[] = [];
  for (const group of groups.values()) {
    if (group.length === 1) {
      result.push(group[0]);
      continue;
    }
    const keeper = group.find((template) => template.status === "APPROVED") ?? group[0];
    duplicates.push({ name: keeper.name, language: keeper.language, sids: group.map((template) => template.externalId ?? "") });
    for (const template of group) result.push(template === keeper ? template : { ...template, name: `${template.name} (${template.externalId})` });
  }
  return { templates: result, duplicates };
}
