import type { Metadata } from "next";
import { requireWorkspaceMember } from "@/lib/auth/current-user";
import { canManageWorkspace } from "@/lib/workspaces/role-labels";
import { InboxSettingsCard } from "@/components/settings/inbox-settings";
import { SavedRepliesCard } from "@/components/settings/saved-replies";

export const metadata: Metadata = { title: "Inbox settings" };

type InboxSettingsPageProps = { params: Promise<{ workspace: string }> };

export default async function InboxSettingsPage({ params }: InboxSettingsPageProps) {
  const { workspace, role } = await requireWorkspaceMember((await params).workspace);
  return (
    <div className="space-y-6">
      <InboxSettingsCard slug={workspace.slug} canManage={canManageWorkspace(role)} />
      <SavedRepliesCard slug={workspace.slug} canEdit={role !== "marketer"} />
    </div>
  );
}
