import type { Metadata } from "next";
import { requireWorkspaceMember } from "@/lib/auth/current-user";
import { canEditCampaigns } from "@/lib/campaigns/manage/roles";
import { PageHeader } from "@/components/layout/page-header";
import { CampaignWizard } from "@/components/campaigns/campaign-wizard";

export const metadata: Metadata = { title: "Edit campaign" };

type EditCampaignPageProps = { params: Promise<{ workspace: string; id: string }> };

export default async function EditCampaignPage({ params }: EditCampaignPageProps) {
  const { workspace: slug, id } = await params;
  const { workspace, role } = await requireWorkspaceMember(slug);
  return (
    <>
      <PageHeader title="Edit campaign" description="Drafts and scheduled campaigns can be changed; a scheduled one goes back to draft until you launch it again." />
      <CampaignWizard slug={workspace.slug} campaignId={id} canEdit={canEditCampaigns(role)} />
    </>
  );
}
