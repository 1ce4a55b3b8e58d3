import type { Metadata } from "next";
import { requireWorkspaceMember } from "@/lib/auth/current-user";
import { canManageWorkspace } from "@/lib/workspaces/role-labels";
import { ChannelDetail } from "@/components/channels/channel-detail";

export const metadata: Metadata = { title: "Channel" };

type ChannelPageProps = {
  params: Promise<{ workspace: string; channelId: string }>;
  searchParams: Promise<{ action?: string | string[] }>;
};

export default async function ChannelPage({ params, searchParams }: ChannelPageProps) {
  const { workspace: slug, channelId } = await params;
  const { workspace, role } = await requireWorkspaceMember(slug);
  const { action } = await searchParams;
  return <ChannelDetail slug={workspace.slug} channelId={channelId} canManage={canManageWorkspace(role)} shouldOpenUpdate={action === "update"} />;
}
