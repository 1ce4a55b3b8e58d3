import { describe, expect, it } from "vitest";
import { findDeletedTemplates, parseTemplatePage } from "@/lib/channels/templates/parse-templates";

// The shape of GET /{waba-id}/message_templates (WhatsApp Business Management API).
const page = {
  data: [
    {
      name: "order_confirmation",
      language: "en_US",
      category: "UTILITY",
      status: "APPROVED",
      rejected_reason: "NONE",
      components: [{ type: "BODY", text: "Your order {{1}} is confirmed" }],
      id: "1152617862584311",
    },
    { name: "spring_sale", language: "pt_BR", category: "MARKETING", status: "REJECTED", rejected_reason: "PROMOTIONAL", id: "5946392182042123" },
    { language: "en_US", status: "APPROVED", id: "no-name" },
  ],
  paging: { cursors: { before: "MAZDZD", after: "MjQZD" }, next: "https://graph.facebook.com/v24.0/102290129340398/message_templates?limit=100&after=MjQZD" },
};

describe("parseTemplatePage", () => {
  it("reads templates, turns Meta's NONE into no reason, skips entries without a key and returns the next page", () => {
    expect(parseTemplatePage(page)).toEqual({
      templates: [
        {
          externalId: "1152617862584311",
          name: "order_confirmation",
          language: "en_US",
          category: "UTILITY",
          status: "APPROVED",
          reason: null,
          components: [{ type: "BODY", text: "Your order {{1}} is confirmed" }],
        },
        { externalId: "5946392182042123", name: "spring_sale", language: "pt_BR", category: "MARKETING", status: "REJECTED", reason: "PROMOTIONAL", components: [] },
      ],
      next: page.paging.next,
      skipped: 1,
    });
  });

  it("has no next page on the last one, and rejects bodies that are not a listing", () => {
    expect(parseTemplatePage({ data: [], paging: { cursors: {} } })).toEqual({ templates: [], next: null, skipped: 0 });
    expect(parseTemplatePage({ error: { code: 190 } })).toBeNull();
    expect(parseTemplatePage("<html>")).toBeNull();
  });
});

describe("findDeletedTemplates", () => {
  it("marks stored templates Meta no longer lists, by name and language, once", () => {
    const stored = [
      { id: "a", name: "order_confirmation", language: "en_US", status: "APPROVED" },
      { id: "b", name: "order_confirmation", language: "pt_BR", status: "APPROVED" },
      { id: "c", name: "old_promo", language: "en_US", status: "DELETED" },
    ];
    const synced = parseTemplatePage(page)!.templates;
    expect(findDeletedTemplates({ stored, synced })).toEqual({ deletedIds: ["b"] });
  });
});
