import type { Metadata } from "next";
import Link from "next/link";
import { requireWorkspaceMember } from "@/lib/auth/current-user";
import { canEditFlows } from "@/lib/flows/manage/schemas";
import { PageHeader } from "@/components/layout/page-header";
import { FlowList } from "@/components/flows/flow-list";
import { CreditBalance, CreditBanner } from "@/components/automation/credit-summary";
import { buttonStyles } from "@/components/ui/button";

export const metadata: Metadata = { title: "Flows" };

type FlowsPageProps = { params: Promise<{ workspace: string }> };

export default async function FlowsPage({ params }: FlowsPageProps) {
  const { workspace, role } = await requireWorkspaceMember((await params).workspace);
  return (
    <>
      <PageHeader
        title="Flows"
        description="Chatbot flows that answer customers automatically: build them on a canvas, publish, and watch how contacts go through them."
        actions={
          <>
            <CreditBalance slug={workspace.slug} />
            <Link href={`/${workspace.slug}/flows/activity`} className={buttonStyles({ variant: "secondary" })}>
              Activity
            </Link>
          </>
        }
      />
      <CreditBanner slug={workspace.slug} canTopUp={role === "owner"} />
      <FlowList slug={workspace.slug} canEdit={canEditFlows(role)} />
    </>
  );
}
