import type { Metadata } from "next";
import Link from "next/link";
import { requireWorkspaceMember } from "@/lib/auth/current-user";
import { canManageWorkspace } from "@/lib/workspaces/role-labels";
import { AutomationSettingsCard } from "@/components/automation/automation-settings-form";

export const metadata: Metadata = { title: "Automation settings" };

type AutomationSettingsPageProps = { params: Promise<{ workspace: string }> };

export default async function AutomationSettingsPage({ params }: AutomationSettingsPageProps) {
  const { workspace, role } = await requireWorkspaceMember((await params).workspace);
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-600">
        What answers customers when no person does. Every automated message costs one credit; see the{" "}
        <Link href={`/${workspace.slug}/flows/activity`} className="font-medium text-brand-700 hover:underline">
          automation activity and credits
        </Link>
        .
      </p>
      <AutomationSettingsCard slug={workspace.slug} canManage={canManageWorkspace(role)} />
    </div>
  );
}
