import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/layout/page-header";
import { buttonStyles } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { FlowsIcon } from "@/components/ui/icons";

export const metadata: Metadata = { title: "Flows" };

type FlowsPageProps = { params: Promise<{ workspace: string }> };

export default async function FlowsPage({ params }: FlowsPageProps) {
  const { workspace } = await params;
  return (
    <>
      <PageHeader title="Flows" description="Chatbot flows that answer customers automatically." />
      <EmptyState
        icon={<FlowsIcon className="size-6" />}
        title="No flows yet"
        actions={
          <Link href={`/${workspace}/settings/channels`} className={buttonStyles({ variant: "secondary" })}>
            Check your channels
          </Link>
        }
      >
        <p>
          Flows reply on your behalf: keyword triggers, Instagram comment-to-DM, questions and hand-off to a teammate.
          Building flows is not available in this version yet; they will be listed here.
        </p>
        <p>Flows run on your connected channels, so make sure the channels you want to automate are set up.</p>
      </EmptyState>
    </>
  );
}
