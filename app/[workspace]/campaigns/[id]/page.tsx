import type { Metadata } from "next";
import { requireWorkspaceMember } from "@/lib/auth/current-user";
import { canEditCampaigns } from "@/lib/campaigns/manage/roles";
import { CampaignDetail } from "@/components/campaigns/campaign-detail";

export const metadata: Metadata = { title: "Campaign" };

type CampaignPageProps = { params: Promise<{ workspace: string; id: string }> };

export default async function CampaignPage({ params }: CampaignPageProps) {
  const { workspace: slug, id } = await params;
  const { workspace, role } = await requireWorkspaceMember(slug);
  return <CampaignDetail slug={workspace.slug} campaignId={id} canEdit={canEditCampaigns(role)} canManageChannels={role === "owner" || role === "admin"} />;
}
