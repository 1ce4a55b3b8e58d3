import { describe, expect, it } from "vitest";
import { campaignInputSchema } from "@/lib/campaigns/definition/campaign-input-schema";
import { changeChannel, emptyWizardState, toCampaignInput, type WizardChannel, type WizardState } from "@/components/campaigns/wizard-state";

// Switching the wizard's channel drops what the new channel cannot take (the server would refuse
// it with a field error), and says what changed.

const whatsApp: WizardChannel = { id: "ch_wa", name: "Shop line", type: "whatsapp_cloud" };
const twilio: WizardChannel = { id: "ch_tw", name: "Twilio line", type: "twilio_whatsapp" };
const whatsApp2: WizardChannel = { id: "ch_wa2", name: "Support line", type: "whatsapp_cloud" };
const instagram: WizardChannel = { id: "ch_ig", name: "Shop IG", type: "instagram" };
const sandbox: WizardChannel = { id: "ch_sb", name: "Sandbox", type: "sandbox" };

function onWhatsApp(): WizardState {
  const state = emptyWizardState();
  return {
    ...state,
    name: "Spring sale",
    channelId: whatsApp.id,
    audience: { ...state.audience, source: "list", phones: ["+33612345678", "+14155238886"], tags: "vip" },
    content: { ...state.content, kind: "template", template: "spring_sale|en_US", variables: { "1": { source: "constant", value: "SPRING" } } },
    pace: "500",
  };
}

describe("changing the campaign's channel", () => {
  it("turns a phone list into the channel's contacts on Instagram and the Sandbox, and says so", () => {
    for (const channel of [instagram, sandbox]) {
      const { state, notices } = changeChannel(onWhatsApp(), channel);
      expect(state.channelId).toBe(channel.id);
      expect(state.audience.source).toBe("channel");
      expect(state.audience.tags).toBe("vip");
      expect(toCampaignInput(state).audience).toEqual({ source: "channel", tags: { mode: "any", values: ["vip"] } });
      expect(notices.some((notice) => notice.includes("cannot send to a list of phone numbers"))).toBe(true);
    }
  });

  it("keeps the phone list on another WhatsApp channel (Cloud API or Twilio)", () => {
    for (const channel of [whatsApp2, twilio]) {
      const { state, notices } = changeChannel(onWhatsApp(), channel);
      expect(state.audience.source).toBe("list");
      expect(state.audience.phones).toEqual(["+33612345678", "+14155238886"]);
      expect(notices.join(" ")).not.toContain("phone numbers");
    }
  });

  it("makes a template campaign a text one where the channel has no templates", () => {
    const { state, notices } = changeChannel(onWhatsApp(), instagram);
    expect(state.content).toMatchObject({ kind: "text", template: "", variables: {} });
    expect(notices).toContain("Shop IG (Instagram) cannot send WhatsApp templates: the campaign now sends a text message.");
  });

  it("clears the picked template (it belongs to the old channel) but stays a template campaign on another WhatsApp Cloud channel", () => {
    const { state, notices } = changeChannel(onWhatsApp(), whatsApp2);
    expect(state.content).toMatchObject({ kind: "template", template: "", variables: {} });
    expect(notices).toContain("Templates belong to their channel: pick one of Support line (WhatsApp)'s approved templates.");
  });

  it("brings a pace above the new channel's maximum back to the default", () => {
    expect(changeChannel(onWhatsApp(), twilio).state.pace).toBe("");
    expect(changeChannel(onWhatsApp(), twilio).notices.some((notice) => notice.includes("at most 80 messages per second"))).toBe(true);
    expect(changeChannel(onWhatsApp(), whatsApp2).state.pace).toBe("500");
  });

  it("changes nothing when the same channel is picked again, and needs no notice for a text campaign to the channel's contacts", () => {
    const same = onWhatsApp();
    expect(changeChannel(same, whatsApp)).toEqual({ state: same, notices: [] });
    const plain = { ...emptyWizardState(), channelId: whatsApp.id };
    expect(changeChannel(plain, instagram).notices).toEqual([]);
  });

  it("gives an input the API schema accepts after switching from a WhatsApp phone list to the Sandbox", () => {
    const { state } = changeChannel(onWhatsApp(), sandbox);
    const input = toCampaignInput({ ...state, content: { ...state.content, text: "Hi {{contact.first_name|there}}" } });
    expect(campaignInputSchema.safeParse(input).success).toBe(true);
    expect(input.audience).not.toHaveProperty("phones");
  });
});
