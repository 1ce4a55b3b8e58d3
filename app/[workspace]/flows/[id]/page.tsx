import type { Metadata } from "next";
import { requireWorkspaceMember } from "@/lib/auth/current-user";
import { flowHttpAllowsPrivateHosts } from "@/lib/flows/manage/publish-flow";
import { canEditFlows } from "@/lib/flows/manage/schemas";
import { FlowBuilder } from "@/components/flows/flow-builder";

export const metadata: Metadata = { title: "Flow builder" };

type FlowBuilderPageProps = { params: Promise<{ workspace: string; id: string }> };

export default async function FlowBuilderPage({ params }: FlowBuilderPageProps) {
  const { workspace: slug, id } = await params;
  const { workspace, role } = await requireWorkspaceMember(slug);
  return <FlowBuilder slug={workspace.slug} flowId={id} canEdit={canEditFlows(role)} allowPrivateHosts={flowHttpAllowsPrivateHosts()} />;
}
