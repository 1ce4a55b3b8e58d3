import { requireWorkspaceMember } from "@/lib/auth/current-user";
import { listUserWorkspaces } from "@/lib/workspaces/members";
import { AppShell } from "@/components/layout/app-shell";

export const dynamic = "force-dynamic";

type WorkspaceLayoutProps = { children: React.ReactNode; params: Promise<{ workspace: string }> };

export default async function WorkspaceLayout({ children, params }: WorkspaceLayoutProps) {
  const { workspace: slug } = await params;
  const { user, workspace, role } = await requireWorkspaceMember(slug);
  const workspaces = await listUserWorkspaces(user.id);
  return (
    <AppShell workspace={workspace} role={role} workspaces={workspaces} user={user}>
      {children}
    </AppShell>
  );
}
