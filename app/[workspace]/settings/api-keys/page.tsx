import type { Metadata } from "next";
import { requireWorkspaceMember } from "@/lib/auth/current-user";
import { canManageWorkspace } from "@/lib/workspaces/role-labels";
import { ApiKeysPanel } from "@/components/settings/api-keys-panel";
import { NoPermission } from "@/components/settings/no-permission";

export const metadata: Metadata = { title: "API keys" };

type ApiKeysPageProps = { params: Promise<{ workspace: string }> };

export default async function ApiKeysPage({ params }: ApiKeysPageProps) {
  const { workspace, role } = await requireWorkspaceMember((await params).workspace);
  if (!canManageWorkspace(role)) return <NoPermission>Only owners and admins can manage API keys.</NoPermission>;
  return <ApiKeysPanel slug={workspace.slug} />;
}
