import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/layout/page-header";
import { buttonStyles } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { InboxIcon } from "@/components/ui/icons";

export const metadata: Metadata = { title: "Inbox" };

type InboxPageProps = { params: Promise<{ workspace: string }> };

export default async function InboxPage({ params }: InboxPageProps) {
  const { workspace } = await params;
  return (
    <>
      <PageHeader title="Inbox" description="Conversations from all your channels, in one place." />
      <EmptyState
        icon={<InboxIcon className="size-6" />}
        title="No conversations yet"
        actions={
          <Link href={`/${workspace}/settings/channels`} className={buttonStyles()}>
            View channels
          </Link>
        }
      >
        <p>When a customer messages one of your channels, the conversation appears here for your team to answer.</p>
        <p>
          Your workspace already has a <strong className="font-medium text-slate-800">Sandbox</strong> channel for trying things
          out without a Meta or Twilio account. Instagram and WhatsApp connections are managed in Settings → Channels.
        </p>
      </EmptyState>
    </>
  );
}
