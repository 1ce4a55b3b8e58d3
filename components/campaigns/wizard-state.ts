import type { Audience, AttributeFilter } from "@/lib/campaigns/definition/audience-schema";
import type { CampaignContent, VariableSource } from "@/lib/campaigns/definition/content-schema";
import type { CampaignInput } from "@/lib/campaigns/definition/campaign-input-schema";
import { DEFAULT_PACE, MAX_PACE, supportsPhoneAudience, supportsTemplates, type CampaignChannelType } from "@/lib/campaigns/definition/channel-rules";
import type { CampaignData } from "@/lib/campaigns/queries";
import { CHANNEL_TYPE_LABELS } from "./format";

// The wizard's form state (strings as typed) and its translation to the API's campaign input.

export type AttributeRow = { key: string; op: AttributeFilter["op"]; value: string };

export type WizardState = {
  name: string;
  channelId: string;
  audience: {
    source: "channel" | "list";
    tagMode: "any" | "all";
    /** Comma-separated, as typed. */
    tags: string;
    attributes: AttributeRow[];
    /** "" = any time; else whole hours. */
    lastInteractionWithinHours: string;
    phones: string[];
  };
  content: {
    kind: CampaignContent["kind"];
    text: string;
    flowId: string;
    /** "name|language" of the picked template. */
    template: string;
    variables: Record<string, VariableSource>;
  };
  schedule: { mode: "now" | "later"; at: string; timezone: string };
  pace: string;
};

export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

export function emptyWizardState(): WizardState {
  return {
    name: "",
    channelId: "",
    audience: { source: "channel", tagMode: "any", tags: "", attributes: [], lastInteractionWithinHours: "", phones: [] },
    content: { kind: "text", text: "", flowId: "", template: "", variables: {} },
    schedule: { mode: "now", at: "", timezone: browserTimeZone() },
    pace: "",
  };
}

export function wizardStateFromCampaign(campaign: CampaignData): WizardState {
  const { audience, content } = campaign;
  return {
    name: campaign.name,
    channelId: campaign.channelId,
    audience: {
      source: audience.source,
      tagMode: audience.tags?.mode ?? "any",
      tags: audience.tags?.values.join(", ") ?? "",
      attributes: (audience.attributes ?? []).map((filter) => ({ key: filter.key, op: filter.op, value: filter.value ?? "" })),
      lastInteractionWithinHours: audience.lastInteractionWithinHours === undefined ? "" : String(audience.lastInteractionWithinHours),
      phones: audience.phones ?? [],
    },
    content: {
      kind: content.kind,
      text: content.kind === "text" ? content.text : "",
      flowId: content.kind === "flow" ? content.flowId : "",
      template: content.kind === "template" ? `${content.name}|${content.language}` : "",
      variables: content.kind === "template" ? content.variables : {},
    },
    schedule: campaign.schedule ? { mode: "later", ...campaign.schedule } : { mode: "now", at: "", timezone: browserTimeZone() },
    pace: campaign.pacePerSecond === null ? "" : String(campaign.pacePerSecond),
  };
}

/** The audience as the API takes it (not validated: the schema does that). */
export function toAudience(state: WizardState["audience"]): Audience {
  const tags = state.tags
    .split(",")
    .map((tag) => tag.trim())
    .filter(Boolean);
  const hours = state.lastInteractionWithinHours.trim();
  return {
    source: state.source,
    ...(tags.length > 0 ? { tags: { mode: state.tagMode, values: tags } } : {}),
    ...(state.attributes.length > 0
      ? { attributes: state.attributes.map((row) => ({ key: row.key, op: row.op, ...(row.op === "exists" || row.op === "not_exists" ? {} : { value: row.value }) })) }
      : {}),
    ...(hours ? { lastInteractionWithinHours: Number(hours) } : {}),
    ...(state.source === "list" ? { phones: state.phones } : {}),
  };
}

export function toContent(state: WizardState["content"]): CampaignContent {
  if (state.kind === "text") return { kind: "text", text: state.text };
  if (state.kind === "flow") return { kind: "flow", flowId: state.flowId };
  const [name = "", language = ""] = state.template.split("|");
  return { kind: "template", name, language, variables: state.variables };
}

export function toCampaignInput(state: WizardState): CampaignInput {
  const pace = state.pace.trim();
  return {
    name: state.name,
    channelId: state.channelId,
    audience: toAudience(state.audience),
    content: toContent(state.content),
    schedule: state.schedule.mode === "later" ? { at: state.schedule.at, timezone: state.schedule.timezone } : null,
    pacePerSecond: pace ? Number(pace) : null,
  };
}

export type WizardChannel = { id: string; name: string; type: string };
export type ChannelChange = { state: WizardState; notices: string[] };

/**
 * Moves the form to another channel (null = none picked) and drops what that channel cannot
 * take, with one sentence per change for the user: a list of phone numbers on a channel without
 * phone audiences becomes "all contacts of the channel" (the numbers are kept for a switch
 * back); a picked template is cleared (templates belong to their channel), and a template
 * campaign becomes a text one where the channel has no templates; a pace above the channel's
 * maximum goes back to its default. The server would refuse each of these with a field error.
 */
export function changeChannel(state: WizardState, channel: WizardChannel | null): ChannelChange {
  const channelId = channel?.id ?? "";
  if (channelId === state.channelId) return { state, notices: [] };
  const type = channel && isCampaignChannelType(channel.type) ? channel.type : null;
  const label = channel ? `${channel.name} (${CHANNEL_TYPE_LABELS[channel.type] ?? channel.type})` : "";
  const notices: string[] = [];
  let { audience, content, pace } = state;

  if (type && audience.source === "list" && !supportsPhoneAudience(type)) {
    audience = { ...audience, source: "channel" };
    notices.push(`${label} cannot send to a list of phone numbers (WhatsApp channels only): the audience is now all contacts of the channel.`);
  }
  if (content.kind === "template") {
    if (type && !supportsTemplates(type)) {
      content = { ...content, kind: "text", template: "", variables: {} };
      notices.push(`${label} cannot send WhatsApp templates: the campaign now sends a text message.`);
    } else {
      if (content.template && type) notices.push(`Templates belong to their channel: pick one of ${label}'s approved templates.`);
      content = { ...content, template: "", variables: {} };
    }
  }
  if (type && pace.trim() !== "" && Number(pace) > MAX_PACE[type]) {
    pace = "";
    notices.push(`${label} sends at most ${MAX_PACE[type]} messages per second: the pace is back to the channel's default (${DEFAULT_PACE[type]}/s).`);
  }
  return { state: { ...state, channelId, audience, content, pace }, notices };
}

function isCampaignChannelType(type: string): type is CampaignChannelType {
  return type in MAX_PACE;
}

export type WizardStep = 0 | 1 | 2 | 3;
export const STEP_TITLES = ["Details", "Audience", "Content", "Schedule & review"] as const;

/** Which step shows the field an error is about ("content.variables.1" → content). */
export function stepOfField(field: string | undefined): WizardStep {
  const head = field?.split(".")[0];
  if (head === "audience") return 1;
  if (head === "content") return 2;
  if (head === "schedule" || head === "pacePerSecond") return 3;
  return 0;
}
