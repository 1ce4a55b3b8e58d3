import { requireWorkspaceMember } from "@/lib/auth/current-user";
import { listUserWorkspaces } from "@/lib/workspaces/members";
import { listChannelAlerts } from "@/lib/channels/list-channel-alerts";
import { AppShell } from "@/components/layout/app-shell";
import { ChannelAlertsBanner } from "@/components/layout/channel-alerts-banner";

export const dynamic = "force-dynamic";

type WorkspaceLayoutProps = { children: React.ReactNode; params: Promise<{ workspace: string }> };

export default async function WorkspaceLayout({ children, params }: WorkspaceLayoutProps) {
  const { workspace: slug } = await params;
  const { user, workspace, role } = await requireWorkspaceMember(slug);
  const [workspaces, alerts] = await Promise.all([listUserWorkspaces(user.id), listChannelAlerts(workspace.id)]);
  const banner = <ChannelAlertsBanner slug={workspace.slug} alerts={alerts} canManage={role === "owner" || role === "admin"} />;
  return (
    <AppShell workspace={workspace} role={role} workspaces={workspaces} user={user} banner={banner}>
      {children}
    </AppShell>
  );
}
