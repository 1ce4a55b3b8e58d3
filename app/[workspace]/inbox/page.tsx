import type { Metadata } from "next";
import { z } from "zod";
import { requireWorkspaceMember } from "@/lib/auth/current-user";
import { listChannels } from "@/lib/channels/list-channels";
import { getConversationSummary } from "@/lib/inbox/get-conversation-summary";
import { InboxView } from "@/components/inbox/inbox-view";

export const metadata: Metadata = { title: "Inbox" };

const searchParamsSchema = z.object({ c: z.string().min(1).max(100).optional().catch(undefined) });

type InboxPageProps = { params: Promise<{ workspace: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function InboxPage({ params, searchParams }: InboxPageProps) {
  const { user, workspace, role } = await requireWorkspaceMember((await params).workspace);
  const { c: selectedId } = searchParamsSchema.parse(await searchParams);
  const [channels, selected] = await Promise.all([
    listChannels(workspace.id),
    // A reloaded selection may sit on a page the list has not loaded: name its thread anyway.
    selectedId ? getConversationSummary({ workspaceId: workspace.id, id: selectedId }) : null,
  ]);
  return (
    <InboxView
      slug={workspace.slug}
      // Only what the channel filter shows crosses to the client.
      channels={channels.map(({ id, type, name }) => ({ id, type, name }))}
      initialSelected={selected}
      currentUser={{ id: user.id, name: user.name }}
      // Replying and acting on conversations: owners, admins and agents (marketers read).
      canWrite={role !== "marketer"}
    />
  );
}
