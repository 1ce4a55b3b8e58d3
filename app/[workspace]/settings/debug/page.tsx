import type { Metadata } from "next";
import { requireWorkspaceMember } from "@/lib/auth/current-user";
import { canManageWorkspace } from "@/lib/workspaces/role-labels";
import { getDebugOverview } from "@/lib/debug/get-debug-overview";
import { NoPermission } from "@/components/settings/no-permission";
import { DebugOverview } from "@/components/settings/debug-overview";

export const metadata: Metadata = { title: "Debug" };
export const dynamic = "force-dynamic";

type DebugPageProps = { params: Promise<{ workspace: string }> };

export default async function DebugPage({ params }: DebugPageProps) {
  const { workspace, role } = await requireWorkspaceMember((await params).workspace);
  if (!canManageWorkspace(role)) return <NoPermission>Only owners and admins can see debug views.</NoPermission>;
  if (process.env.NODE_ENV === "production" && process.env.DEBUG_ENDPOINTS !== "1") {
    return <NoPermission>Debug views are turned off on this server (set DEBUG_ENDPOINTS=1 to enable them).</NoPermission>;
  }
  return <DebugOverview overview={await getDebugOverview(workspace.id)} />;
}
