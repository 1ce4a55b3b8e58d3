import type { Metadata } from "next";
import Link from "next/link";
import { requireWorkspaceMember } from "@/lib/auth/current-user";
import { canEditCampaigns } from "@/lib/campaigns/manage/roles";
import { PageHeader } from "@/components/layout/page-header";
import { CampaignList } from "@/components/campaigns/campaign-list";
import { buttonStyles } from "@/components/ui/button";

export const metadata: Metadata = { title: "Campaigns" };

type CampaignsPageProps = { params: Promise<{ workspace: string }> };

export default async function CampaignsPage({ params }: CampaignsPageProps) {
  const { workspace, role } = await requireWorkspaceMember((await params).workspace);
  const canEdit = canEditCampaigns(role);
  return (
    <>
      <PageHeader
        title="Campaigns"
        description="Broadcasts to a segment of your contacts, with delivery for each recipient."
        actions={
          canEdit ? (
            <Link href={`/${workspace.slug}/campaigns/new`} className={buttonStyles()}>
              New campaign
            </Link>
          ) : null
        }
      />
      <CampaignList slug={workspace.slug} canEdit={canEdit} />
    </>
  );
}
