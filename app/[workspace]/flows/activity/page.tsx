import type { Metadata } from "next";
import Link from "next/link";
import { requireWorkspaceMember } from "@/lib/auth/current-user";
import { PageHeader } from "@/components/layout/page-header";
import { ActivityLog } from "@/components/automation/activity-log";
import { CreditLedgerCard } from "@/components/automation/credit-ledger";
import { CreditBalance, CreditBanner } from "@/components/automation/credit-summary";

export const metadata: Metadata = { title: "Automation activity" };

type AutomationActivityPageProps = { params: Promise<{ workspace: string }> };

export default async function AutomationActivityPage({ params }: AutomationActivityPageProps) {
  const { workspace, role } = await requireWorkspaceMember((await params).workspace);
  const isOwner = role === "owner";
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href={`/${workspace.slug}/flows`} className="text-slate-600 hover:text-slate-900 hover:underline">
          ← Flows
        </Link>
      </nav>
      <PageHeader
        title="Automation activity"
        description={
          <>
            What the bot did, for whom, and why it stayed silent; and the credits it spent. Welcome and away messages are set in{" "}
            <Link href={`/${workspace.slug}/settings/automation`} className="font-medium text-brand-700 hover:underline">
              Settings → Automation
            </Link>
            .
          </>
        }
        actions={<CreditBalance slug={workspace.slug} />}
      />
      <CreditBanner slug={workspace.slug} canTopUp={isOwner} />
      <div className="space-y-6">
        <ActivityLog slug={workspace.slug} />
        <CreditLedgerCard slug={workspace.slug} canTopUp={isOwner} />
      </div>
    </>
  );
}
