import { requireWorkspaceMember } from "@/lib/auth/current-user";
import { canManageWorkspace } from "@/lib/workspaces/role-labels";
import { PageHeader } from "@/components/layout/page-header";
import { SettingsNav } from "@/components/settings/settings-nav";

type SettingsLayoutProps = { children: React.ReactNode; params: Promise<{ workspace: string }> };

export default async function SettingsLayout({ children, params }: SettingsLayoutProps) {
  const { workspace, role } = await requireWorkspaceMember((await params).workspace);
  return (
    <>
      <PageHeader title="Settings" description="Your team, API access and channels." />
      <SettingsNav slug={workspace.slug} canManageWorkspace={canManageWorkspace(role)} />
      {children}
    </>
  );
}
