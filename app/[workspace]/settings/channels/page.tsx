import type { Metadata } from "next";
import { requireWorkspaceMember } from "@/lib/auth/current-user";
import { canManageWorkspace } from "@/lib/workspaces/role-labels";
import { ChannelsPanel } from "@/components/channels/channels-panel";

export const metadata: Metadata = { title: "Channels" };

type ChannelsPageProps = { params: Promise<{ workspace: string }> };

export default async function ChannelsPage({ params }: ChannelsPageProps) {
  const { workspace, role } = await requireWorkspaceMember((await params).workspace);
  return (
    <div className="space-y-6">
      <ChannelsPanel slug={workspace.slug} canManage={canManageWorkspace(role)} />
      <p className="text-sm text-slate-600">
        The <strong className="font-medium text-slate-800">Sandbox</strong> channel is built in: it needs no Meta or Twilio account, so you can
        try the inbox, flows and broadcasts right away.
      </p>
    </div>
  );
}
