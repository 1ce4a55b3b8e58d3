import { z } from "zod";

// WhatsApp message templates as synced from Meta (MessageTemplate.components, Graph's shape:
// HEADER / BODY / FOOTER / BUTTONS), turned into what the composer shows (the body text with its
// placeholders, the variable keys to fill in) and into the `components` array a send needs.
// Pure, no server imports (the template picker previews with renderTemplateText()).
//
// Placeholders are positional `{{1}}` or, for templates created with parameter_format NAMED,
// `{{first_name}}`. Variable keys: body placeholders by their own name ("1", "first_name"), a
// text header's as "header.<name>", a dynamic URL button's suffix as "button.<index>".
// Templates whose header is media (image, video, document, location) or whose buttons need a
// coupon code / OTP / flow parameter cannot be filled by the composer: they are reported as
// unsupported rather than sent half-filled (Meta would answer 132000).

// Anything else (a carousel, a Twilio location or list picker…) can't be filled in by the composer.
const KNOWN_COMPONENTS = new Set(["HEADER", "BODY", "FOOTER", "BUTTONS"]);

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

const buttonSchema = z.looseObject({ type: z.string(), text: z.string().optional(), url: z.string().optional() });
const componentSchema = z.looseObject({
  type: z.string(),
  format: z.string().optional(),
  text: z.string().optional(),
  buttons: z.array(buttonSchema).optional(),
});

export type TemplateAnalysis =
  | { supported: true; text: string; variables: string[] }
  | { supported: false; text: string; variables: string[]; reason: string };

/** The body text and the variables a template needs, in the order the composer asks for them. */
export function analyzeTemplate(components: unknown): TemplateAnalysis {
  const parsed = z.array(componentSchema).safeParse(components);
  if (!parsed.success) return { supported: false, text: "", variables: [], reason: "This template's definition couldn't be read; sync the templates again" };
  const body = parsed.data.find((component) => component.type.toUpperCase() === "BODY");
  const header = parsed.data.find((component) => component.type.toUpperCase() === "HEADER");
  const buttons = parsed.data.find((component) => component.type.toUpperCase() === "BUTTONS")?.buttons ?? [];
  const text = body?.text ?? "";
  const variables = [
    ...(header?.text && headerFormat(header) === "TEXT" ? placeholders(header.text).map((key) => `header.${key}`) : []),
    ...placeholders(text),
    ...buttons.flatMap((button, index) => (button.type.toUpperCase() === "URL" && button.url && placeholders(button.url).length > 0 ? [`button.${index}`] : [])),
  ];
  const unknown = parsed.data.find((component) => !KNOWN_COMPONENTS.has(component.type.toUpperCase()));
  if (unknown) {
    return { supported: false, text, variables, reason: `This template has a ${unknown.type.toLowerCase().replace(/_/g, " ")} part, which the composer can't fill in yet` };
  }
  if (header && headerFormat(header) !== "TEXT") {
    return { supported: false, text, variables, reason: `This template has a ${headerFormat(header).toLowerCase()} header, which the composer can't fill in yet` };
  }
  const unsupportedButton = buttons.find((button) => !["URL", "QUICK_REPLY", "PHONE_NUMBER"].includes(button.type.toUpperCase()));
  if (unsupportedButton) {
    return { supported: false, text, variables, reason: `This template has a ${unsupportedButton.type.toLowerCase()} button, which the composer can't fill in yet` };
  }
  return { supported: true, text, variables };
}

export type RenderTemplateOptions = { components: unknown; variables: Record<string, string> };

export type RenderedTemplate =
  | { ok: true; components: unknown[]; text: string }
  | { ok: false; missing: string[]; invalid: { key: string; reason: string }[]; reason?: string };

/**
 * Fills a template's placeholders: the send `components` (header, body and URL-button
 * parameters, named ones with `parameter_name`) and the body text as the thread shows it.
 * Returns the missing and invalid variables instead of throwing, so the caller can name them.
 */
export function renderTemplate({ components, variables }: RenderTemplateOptions): RenderedTemplate {
  const analysis = analyzeTemplate(components);
  if (!analysis.supported) return { ok: false, missing: [], invalid: [], reason: analysis.reason };
  const missing = analysis.variables.filter((key) => (variables[key] ?? "").trim() === "");
  const invalid = analysis.variables.flatMap((key) => {
    const reason = variables[key] === undefined || missing.includes(key) ? null : parameterProblem(variables[key]);
    return reason ? [{ key, reason }] : [];
  });
  if (missing.length > 0 || invalid.length > 0) return { ok: false, missing, invalid };

  const parsed = z.array(componentSchema).parse(components);
  const send: unknown[] = [];
  const header = parsed.find((component) => component.type.toUpperCase() === "HEADER");
  if (header?.text && placeholders(header.text).length > 0) {
    send.push({ type: "header", parameters: textParameters(placeholders(header.text), (key) => variables[`header.${key}`]) });
  }
  const bodyKeys = placeholders(analysis.text);
  if (bodyKeys.length > 0) send.push({ type: "body", parameters: textParameters(bodyKeys, (key) => variables[key]) });
  const buttons = parsed.find((component) => component.type.toUpperCase() === "BUTTONS")?.buttons ?? [];
  buttons.forEach((button, index) => {
    if (button.type.toUpperCase() === "URL" && button.url && placeholders(button.url).length > 0) {
      // Only the URL's suffix is a parameter; Meta appends it to the approved base URL.
      send.push({ type: "button", sub_type: "url", index: String(index), parameters: [{ type: "text", text: variables[`button.${index}`] }] });
    }
  });
  return { ok: true, components: send, text: renderTemplateText(analysis.text, variables) };
}

/** The body with its placeholders replaced (unknown ones are left as they are): the preview. */
export function renderTemplateText(text: string, variables: Record<string, string>): string {
  return text.replace(PLACEHOLDER, (whole, key: string) => variables[key] ?? whole);
}

/** Placeholder keys of a text, each once, positional ones in numeric order. */
function placeholders(text: string): string[] {
  const keys = [...new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1]))];
  return keys.every((key) => /^\d+$/.test(key)) ? keys.sort((a, b) => Number(a) - Number(b)) : keys;
}

function textParameters(keys: string[], value: (key: string) => string | undefined) {
  // Named templates need parameter_name; positional ones are matched by order.
  return keys.map((key) => ({ type: "text", text: value(key) ?? "", ...(/^\d+$/.test(key) ? {} : { parameter_name: key }) }));
}

function headerFormat(header: z.infer<typeof componentSchema>): string {
  return (header.format ?? "TEXT").toUpperCase();
}

// Meta refuses parameters with new lines, tabs or more than 4 consecutive spaces (132018).
function parameterProblem(value: string): string | null {
  if (/[\n\r\t]/.test(value)) return "can't contain line breaks or tabs";
  if (/ {5,}/.test(value)) return "can't contain more than 4 spaces in a row";
  if ([...value].length > 1024) return "is longer than 1024 characters";
  return null;
}

export type ContentVariablesOptions = { components: unknown; variables: Record<string, string> };

/**
 * Twilio Content templates take their values as ContentVariables keyed by the content's own
 * placeholders ("1", "first_name"), header and link ones included: the composer's keys
 * ("header.name", "button.0") are turned back into the placeholder they fill. Only the
 * template's variables are kept. Call it after renderTemplate() succeeded.
 */
export function contentVariables({ components, variables }: ContentVariablesOptions): Record<string, string> {
  const analysis = analyzeTemplate(components);
  const parsed = z.array(componentSchema).safeParse(components);
  const buttons = parsed.success ? (parsed.data.find((component) => component.type.toUpperCase() === "BUTTONS")?.buttons ?? []) : [];
  const entries = analysis.variables.flatMap((key): [string, string][] => {
    const value = variables[key];
    if (value === undefined) return [];
    const header = /^header\.(.+)$/.exec(key);
    if (header) return [[header[1], value]];
    const button = /^button\.(\d+)$/.exec(key);
    if (button) {
      const [placeholder] = placeholders(buttons[Number(button[1])]?.url ?? "");
      return placeholder ? [[placeholder, value]] : [];
    }
    return [[key, value]];
  });
  return Object.fromEntries(entries);
}
