import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/layout/page-header";
import { buttonStyles } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { CampaignsIcon } from "@/components/ui/icons";

export const metadata: Metadata = { title: "Campaigns" };

type CampaignsPageProps = { params: Promise<{ workspace: string }> };

export default async function CampaignsPage({ params }: CampaignsPageProps) {
  const { workspace } = await params;
  return (
    <>
      <PageHeader title="Campaigns" description="Broadcasts to a segment of your contacts, with delivery for each recipient." />
      <EmptyState
        icon={<CampaignsIcon className="size-6" />}
        title="No campaigns yet"
        actions={
          <Link href={`/${workspace}/contacts`} className={buttonStyles({ variant: "secondary" })}>
            View contacts
          </Link>
        }
      >
        <p>
          A campaign sends one message to many contacts and shows whether it was sent, delivered and read. Creating
          campaigns is not available in this version yet; they will be listed here.
        </p>
        <p>Campaigns go to contacts who have messaged you, so you need conversations first.</p>
      </EmptyState>
    </>
  );
}
