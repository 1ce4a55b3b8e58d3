import "server-only";
import { prisma } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { readWorkspaceSettings } from "@/lib/workspaces/settings";
import type { ComposeModeInput } from "./send-policy";

export type LoadSendContextOptions = { workspaceId: string; conversationId: string };

/**
 * Everything the send rules look at for one conversation: its status and window, the contact's
 * opt-out, the channel and the workspace settings. Scoped by workspace: another workspace's
 * conversation is a 404, like one that does not exist.
 */
export async function loadSendContext({ workspaceId, conversationId }: LoadSendContextOptions) {
  const row = await prisma.conversation.findFirst({
    where: { id: conversationId, workspaceId },
    select: {
      id: true,
      status: true,
      lastInboundAt: true,
      channel: { select: { id: true, type: true, status: true } },
      contact: { select: { id: true, optedOut: true } },
      workspace: { select: { settings: true } },
    },
  });
  if (!row) throw new AppError({ code: "not_found", message: "Conversation not found" });
  const { workspace, ...conversation } = row;
  return { ...conversation, settings: readWorkspaceSettings(workspace.settings) };
}

export type SendContext = Awaited<ReturnType<typeof loadSendContext>>;

/** The policy's view of a conversation at `now`. */
export function policyFacts(context: SendContext, now: Date): ComposeModeInput {
  return {
    channelType: context.channel.type,
    channelStatus: context.channel.status,
    conversationStatus: context.status,
    contactOptedOut: context.contact.optedOut,
    lastInboundAt: context.lastInboundAt,
    now,
    humanAgentTagEnabled: context.settings.humanAgentTag,
  };
}
