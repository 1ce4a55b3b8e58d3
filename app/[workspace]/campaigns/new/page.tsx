import type { Metadata } from "next";
import { requireWorkspaceMember } from "@/lib/auth/current-user";
import { canEditCampaigns } from "@/lib/campaigns/manage/roles";
import { PageHeader } from "@/components/layout/page-header";
import { CampaignWizard } from "@/components/campaigns/campaign-wizard";

export const metadata: Metadata = { title: "New campaign" };

type NewCampaignPageProps = { params: Promise<{ workspace: string }> };

export default async function NewCampaignPage({ params }: NewCampaignPageProps) {
  const { workspace, role } = await requireWorkspaceMember((await params).workspace);
  return (
    <>
      <PageHeader title="New campaign" description="Pick a channel and an audience, choose what to send, then launch it now or schedule it." />
      <CampaignWizard slug={workspace.slug} canEdit={canEditCampaigns(role)} />
    </>
  );
}
