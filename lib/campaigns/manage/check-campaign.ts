import "server-only";
import { prisma } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { analyzeTemplate } from "@/lib/inbox/compose/template-variables";
import type { CampaignInput } from "@/lib/campaigns/definition/campaign-input-schema";
import { DEFAULT_PACE, MAX_PACE, supportsPhoneAudience, supportsTemplates, type CampaignChannelType } from "@/lib/campaigns/definition/channel-rules";
import { localTimeToInstant } from "@/lib/campaigns/definition/schedule";

/** How far ahead a campaign may be scheduled. */
const MAX_SCHEDULE_AHEAD_MS = 366 * 24 * 60 * 60 * 1000;
/** A schedule this close to now (form filled a bit slowly) still counts as "now", not "in the past". */
const PAST_TOLERANCE_MS = 60 * 1000;

export type CheckedCampaign = {
  channel: { id: string; type: CampaignChannelType; status: string; name: string };
  scheduledAt: Date | null;
  /** The pace the campaign runs at (its own, or the channel's default). */
  pace: number;
};

const invalid = (field: string, message: string) => new AppError({ code: "unprocessable", field, message: `${field}: ${message}` });

/**
 * The rules that need the database: the channel is the workspace's, the content fits the channel
 * (an APPROVED template with every variable mapped, an active flow of the workspace), the list
 * audience fits the channel, the pace is within the channel's limit and the schedule is in the
 * future. Throws AppError 422 naming the field; 404-like lookups also answer 422 on the field
 * (the form shows it), never leaking another workspace's objects.
 */
export async function checkCampaign(workspaceId: string, input: CampaignInput, { now = new Date() }: { now?: Date } = {}): Promise<CheckedCampaign> {
  const channel = await prisma.channel.findFirst({ where: { id: input.channelId, workspaceId }, select: { id: true, type: true, status: true, name: true } });
  if (!channel) throw invalid("channelId", "no such channel in this workspace");
  if (channel.status === "disconnected") throw invalid("channelId", "this channel is disconnected; connect it again first");

  const content = input.content;
  if (content.kind === "template") {
    if (!supportsTemplates(channel.type)) {
      throw invalid("content.kind", "templates exist only on WhatsApp channels");
    }
    const template = await prisma.messageTemplate.findUnique({
      where: { channelId_name_language: { channelId: channel.id, name: content.name, language: content.language } },
      select: { status: true, components: true, externalId: true },
    });
    if (!template) throw invalid("content.name", "no such template on this channel (sync the templates in Settings → Channels)");
    if (channel.type === "twilio_whatsapp" && !/^HX[0-9a-fA-F]{32}$/.test(template.externalId ?? "")) {
      throw invalid("content.name", "this template has no Twilio Content SID; sync the templates in Settings → Channels");
    }
    if (template.status !== "APPROVED") throw invalid("content.name", `this template is ${template.status.toLowerCase()}; only approved templates can be sent`);
    const analysis = analyzeTemplate(template.components);
    if (!analysis.supported) throw invalid("content.name", analysis.reason);
    const unmapped = analysis.variables.find((key) => !(key in content.variables));
    if (unmapped) throw invalid(`content.variables.${unmapped}`, "map this variable to a contact field, an attribute or a fixed value");
    const extra = Object.keys(content.variables).find((key) => !analysis.variables.includes(key));
    if (extra) throw invalid(`content.variables.${extra}`, "this template has no such variable");
  }
  if (content.kind === "flow") {
    const flow = await prisma.flow.findFirst({ where: { id: content.flowId, workspaceId }, select: { status: true, activeVersionId: true } });
    if (!flow) throw invalid("content.flowId", "no such flow in this workspace");
    if (flow.status !== "active" || !flow.activeVersionId) throw invalid("content.flowId", "publish the flow (and resume it if paused) before sending it");
  }

  if ((input.audience.phones?.length ?? 0) > 0 && !supportsPhoneAudience(channel.type)) {
    throw invalid("audience.phones", "phone numbers can only be used with WhatsApp channels");
  }
  if ((input.audience.contactIds?.length ?? 0) > 0) {
    const found = await prisma.contact.count({ where: { id: { in: input.audience.contactIds }, workspaceId, channelId: channel.id } });
    const distinct = new Set(input.audience.contactIds).size;
    if (found !== distinct) throw invalid("audience.contactIds", `${distinct - found} of these contacts are not contacts of this channel`);
  }

  if (input.pacePerSecond !== null && input.pacePerSecond > MAX_PACE[channel.type]) {
    throw invalid("pacePerSecond", `must be at most ${MAX_PACE[channel.type]} messages per second on this channel`);
  }

  let scheduledAt: Date | null = null;
  if (input.schedule) {
    scheduledAt = localTimeToInstant(input.schedule.at, input.schedule.timezone);
    if (!scheduledAt) throw invalid("schedule.at", "is not a valid date and time");
    if (scheduledAt.getTime() < now.getTime() - PAST_TOLERANCE_MS) throw invalid("schedule.at", "is in the past");
    if (scheduledAt.getTime() > now.getTime() + MAX_SCHEDULE_AHEAD_MS) throw invalid("schedule.at", "must be within a year");
  }

  return { channel, scheduledAt, pace: input.pacePerSecond ?? DEFAULT_PACE[channel.type] };
}
