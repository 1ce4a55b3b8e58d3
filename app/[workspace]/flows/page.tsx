import type { Metadata } from "next";
import { requireWorkspaceMember } from "@/lib/auth/current-user";
import { canEditFlows } from "@/lib/flows/manage/schemas";
import { PageHeader } from "@/components/layout/page-header";
import { FlowList } from "@/components/flows/flow-list";

export const metadata: Metadata = { title: "Flows" };

type FlowsPageProps = { params: Promise<{ workspace: string }> };

export default async function FlowsPage({ params }: FlowsPageProps) {
  const { workspace, role } = await requireWorkspaceMember((await params).workspace);
  return (
    <>
      <PageHeader title="Flows" description="Chatbot flows that answer customers automatically: build them on a canvas, publish, and watch how contacts go through them." />
      <FlowList slug={workspace.slug} canEdit={canEditFlows(role)} />
    </>
  );
}
