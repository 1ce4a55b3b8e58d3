import { describe, expect, it } from "vitest";
import { approvalStatus, disambiguateNames, parseTwilioContentPage } from "@/lib/channels/templates/parse-twilio-contents";
import { analyzeTemplate, contentVariables, renderTemplate } from "@/lib/inbox/compose/template-variables";
import { toTemplateMessage } from "@/lib/inbox/compose/template-message";

// The shape of GET https://content.twilio.com/v1/ContentAndApprovals (Twilio Content API).
const SID_TEXT = "HX0123456789abcdef0123456789abcdef";
const SID_QR = "HXaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const SID_MEDIA = "HXbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const SID_CTA = "HXcccccccccccccccccccccccccccccccc";
const SID_LOCATION = "HXdddddddddddddddddddddddddddddddd";

const content = (sid: string, extra: Record<string, unknown>) => ({
  date_created: "2024-07-30T19:00:00Z",
  date_updated: "2024-07-30T19:00:00Z",
  sid,
  account_sid: "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
  language: "en",
  variables: {},
  ...extra,
});
const approval = (status: string, extra: Record<string, unknown> = {}) => ({
  name: "order_update",
  category: "UTILITY",
  content_type: "twilio/text",
  status,
  rejection_reason: "",
  allow_category_change: true,
  ...extra,
});

const page = {
  contents: [
    content(SID_TEXT, { friendly_name: "order_update", variables: { 1: "Ana" }, types: { "twilio/text": { body: "Hi {{1}}, your order {{2}} shipped" } }, approval_requests: approval("approved") }),
    content(SID_QR, {
      friendly_name: "feedback",
      language: "pt_BR",
      types: { "twilio/quick-reply": { body: "Olá {{first_name}}, gostou?", actions: [{ title: "Sim", id: "yes" }, { title: "Não", id: "no" }] }, "twilio/text": { body: "Olá {{first_name}}" } },
      approval_requests: { whatsapp: approval("rejected", { category: "marketing", content_type: "twilio/quick-reply", rejection_reason: "Promotional content in a utility template" }) },
    }),
    content(SID_MEDIA, { friendly_name: "brochure", types: { "twilio/media": { body: "Our catalogue", media: ["https://example.com/catalogue.pdf"] } }, approval_requests: approval("received") }),
    content(SID_CTA, {
      friendly_name: "track",
      types: { "twilio/call-to-action": { body: "Track order {{1}}", actions: [{ type: "URL", title: "Track", url: "https://shop.example/track/{{2}}" }, { type: "PHONE_NUMBER", title: "Call", phone: "+15550001111" }] } },
      approval_requests: approval("approved"),
    }),
    content(SID_LOCATION, { friendly_name: "store", types: { "twilio/location": { label: "Store", latitude: 1, longitude: 2 }, "twilio/text": { body: "We are here" } }, approval_requests: null }),
    { sid: "not-a-sid", language: "en", types: {} },
    content("HXeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee", { language: "" }),
  ],
  meta: {
    page: 0,
    page_size: 50,
    first_page_url: "https://content.twilio.com/v1/ContentAndApprovals?PageSize=50&Page=0",
    previous_page_url: null,
    url: "https://content.twilio.com/v1/ContentAndApprovals?PageSize=50&Page=0",
    next_page_url: "https://content.twilio.com/v1/ContentAndApprovals?PageSize=50&Page=1&PageToken=PT50",
    key: "contents",
  },
};

describe("parseTwilioContentPage", () => {
  const parsed = parseTwilioContentPage(page)!;
  const byName = new Map(parsed.templates.map((template) => [template.name, template]));

  it("stores each content by its friendly name with the HX sid, the WhatsApp approval and Graph-like components", () => {
    expect(parsed.skipped).toBe(2);
    expect(parsed.next).toBe(page.meta.next_page_url);
    expect(byName.get("order_update")).toEqual({
      externalId: SID_TEXT,
      name: "order_update",
      language: "en",
      category: "UTILITY",
      status: "APPROVED",
      reason: null,
      components: [{ type: "BODY", text: "Hi {{1}}, your order {{2}} shipped" }],
    });
  });

  it("keeps a rejection's reason, reads the approval nested under whatsapp, and prefers the approved content type", () => {
    expect(byName.get("feedback")).toMatchObject({
      language: "pt_BR",
      category: "MARKETING",
      status: "REJECTED",
      reason: "Promotional content in a utility template",
      components: [{ type: "BODY", text: "Olá {{first_name}}, gostou?" }, { type: "BUTTONS", buttons: [{ type: "QUICK_REPLY", text: "Sim" }, { type: "QUICK_REPLY", text: "Não" }] }],
    });
  });

  it("stores contents never submitted to WhatsApp as UNSUBMITTED, and media or location contents as unsupported", () => {
    expect(byName.get("store")).toMatchObject({ status: "UNSUBMITTED", category: null });
    expect(analyzeTemplate(byName.get("store")!.components)).toMatchObject({ supported: false, reason: expect.stringContaining("location") });
    expect(byName.get("brochure")).toMatchObject({ status: "PENDING" });
    expect(analyzeTemplate(byName.get("brochure")!.components)).toMatchObject({ supported: false, reason: expect.stringContaining("document header") });
  });

  it("returns null for something that is not a content listing", () => {
    expect(parseTwilioContentPage({ code: 20003, message: "Authenticate" })).toBeNull();
  });
});

describe("approvalStatus", () => {
  it.each([
    ["approved", "APPROVED"],
    ["rejected", "REJECTED"],
    ["pending", "PENDING"],
    ["received", "PENDING"],
    ["unsubmitted", "UNSUBMITTED"],
    ["", "UNSUBMITTED"],
    [null, "UNSUBMITTED"],
    ["paused", "PAUSED"],
    ["disabled", "DISABLED"],
  ])("%s → %s", (input, expected) => {
    expect(approvalStatus(input)).toBe(expected);
  });
});

describe("disambiguateNames", () => {
  it("lets the approved content keep a shared name and names the others by their sid", () => {
    const base = { language: "en", category: null, reason: null, components: [] };
    const { templates, duplicates } = disambiguateNames([
      { ...base, externalId: SID_TEXT, name: "welcome", status: "PENDING" },
      { ...base, externalId: SID_QR, name: "welcome", status: "APPROVED" },
      { ...base, externalId: SID_CTA, name: "welcome", language: "es", status: "APPROVED" },
    ]);
    expect(templates.map((template) => template.name)).toEqual([`welcome (${SID_TEXT})`, "welcome", "welcome"]);
    expect(duplicates).toEqual([{ name: "welcome", language: "en", sids: [SID_TEXT, SID_QR] }]);
  });
});

describe("Twilio template messages", () => {
  const parsed = parseTwilioContentPage(page)!;
  const cta = parsed.templates.find((template) => template.externalId === SID_CTA)!;

  it("sends the Content SID with ContentVariables keyed by the content's own placeholders (a link's one included)", () => {
    const variables = { 1: "A-17", "button.0": "a17" };
    const rendered = renderTemplate({ components: cta.components, variables });
    if (!rendered.ok) throw new Error("not rendered");
    expect(contentVariables({ components: cta.components, variables })).toEqual({ 1: "A-17", 2: "a17" });
    expect(toTemplateMessage({ channelType: "twilio_whatsapp", template: cta, variables, rendered })).toEqual({
      ok: true,
      message: { type: "template", name: cta.name, contentSid: SID_CTA, language: "en", components: [{ 1: "A-17", 2: "a17" }], text: "Track order A-17" },
    });
  });

  it("keeps named placeholders as they are, and refuses a template without a Content SID", () => {
    const components = [{ type: "BODY", text: "Hi {{first_name}}" }];
    const rendered = renderTemplate({ components, variables: { first_name: "Ana" } });
    if (!rendered.ok) throw new Error("not rendered");
    const template = { name: "hi", language: "en", components };
    expect(toTemplateMessage({ channelType: "twilio_whatsapp", template: { ...template, externalId: SID_TEXT }, variables: { first_name: "Ana" }, rendered })).toMatchObject({
      ok: true,
      message: { name: "hi", contentSid: SID_TEXT, components: [{ first_name: "Ana" }] },
    });
    expect(toTemplateMessage({ channelType: "twilio_whatsapp", template: { ...template, externalId: null }, variables: { first_name: "Ana" }, rendered })).toMatchObject({ ok: false });
    // WhatsApp Cloud keeps sending by name with Graph's components.
    const cloud = toTemplateMessage({ channelType: "whatsapp_cloud", template, variables: { first_name: "Ana" }, rendered });
    expect(cloud).toMatchObject({ ok: true, message: { name: "hi" } });
    expect(cloud.ok && cloud.message.contentSid).toBeUndefined();
  });
});
