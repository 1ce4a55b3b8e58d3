import type { Metadata } from "next";
import { requireWorkspaceMember } from "@/lib/auth/current-user";
import { ChannelsList } from "@/components/settings/channels-list";

export const metadata: Metadata = { title: "Channels" };

type ChannelsPageProps = { params: Promise<{ workspace: string }> };

export default async function ChannelsPage({ params }: ChannelsPageProps) {
  const { workspace } = await requireWorkspaceMember((await params).workspace);
  return (
    <div className="space-y-6">
      <ChannelsList slug={workspace.slug} />
      <p className="text-sm text-slate-600">
        The <strong className="font-medium text-slate-800">Sandbox</strong> channel is built in: it needs no Meta or Twilio
        account, so you can try the inbox, flows and broadcasts right away. Connecting Instagram accounts, WhatsApp Cloud API
        numbers and Twilio WhatsApp senders is not available in this version yet; they will be added here.
      </p>
    </div>
  );
}
