import "server-only";
import { prisma } from "@/lib/db/client";
import { ATTACHMENT_MAX_BYTES, CHANNEL_LIMITS } from "./channel-limits";
import { loadSendContext, policyFacts } from "./send-context";
import { describeComposeMode } from "./send-policy";
import { analyzeTemplate } from "./template-variables";

export type GetComposeStateOptions = { workspaceId: string; conversationId: string; now?: Date };

/**
 * What the composer may do in a conversation right now: the mode (free, HUMAN_AGENT tag,
 * templates only, locked) with the reason to show, the channel's limits, and the approved
 * templates it can fill in (WhatsApp). Throws AppError 404 for another workspace's conversation.
 */
export async function getComposeState({ workspaceId, conversationId, now = new Date() }: GetComposeStateOptions) {
  const context = await loadSendContext({ workspaceId, conversationId });
  const { mode, reason, windowClosesAt, humanAgentTagUntil } = describeComposeMode(policyFacts(context, now));
  const limits = CHANNEL_LIMITS[context.channel.type];
  const whatsApp = context.channel.type === "whatsapp_cloud" || context.channel.type === "twilio_whatsapp";
  return {
    channelType: context.channel.type,
    maxTextLength: limits.text.max,
    /** How maxTextLength counts: code points, UTF-8 bytes (Instagram) or UTF-16 units (Twilio). */
    textLengthUnit: limits.text.unit,
    mode,
    reason,
    windowClosesAt,
    humanAgentTagUntil,
    humanAgentTagEnabled: context.settings.humanAgentTag,
    limits: { quickReplies: limits.quickReplies.max, quickReplyTitleLength: limits.quickReplies.titleMax, mediaMaxBytes: ATTACHMENT_MAX_BYTES },
    templates: whatsApp ? await listSendableTemplates({ workspaceId, channelId: context.channel.id }) : [],
  };
}

export type ComposeState = Awaited<ReturnType<typeof getComposeState>>;

type ListSendableTemplatesOptions = { workspaceId: string; channelId: string };

// Approved templates the composer can fill in; media-header and coupon/OTP templates are left
// out until the composer can supply their parameters (see template-variables.ts).
async function listSendableTemplates({ workspaceId, channelId }: ListSendableTemplatesOptions) {
  const rows = await prisma.messageTemplate.findMany({
    where: { workspaceId, channelId, status: "APPROVED" },
    orderBy: [{ name: "asc" }, { language: "asc" }],
    select: { name: true, language: true, category: true, components: true },
  });
  return rows.flatMap(({ components, ...template }) => {
    const analysis = analyzeTemplate(components);
    return analysis.supported ? [{ ...template, text: analysis.text, variables: analysis.variables }] : [];
  });
}
