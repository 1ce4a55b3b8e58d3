import type { Metadata } from "next";
import { requireWorkspaceMember } from "@/lib/auth/current-user";
import { canManageWorkspace } from "@/lib/workspaces/role-labels";
import { NoPermission } from "@/components/settings/no-permission";
import { WebhookLog } from "@/components/webhooks/webhook-log";

export const metadata: Metadata = { title: "Webhook log" };

type WebhooksPageProps = { params: Promise<{ workspace: string }> };

export default async function WebhooksPage({ params }: WebhooksPageProps) {
  const { workspace, role } = await requireWorkspaceMember((await params).workspace);
  if (!canManageWorkspace(role)) return <NoPermission>Only owners and admins can see the webhook log.</NoPermission>;
  return <WebhookLog slug={workspace.slug} />;
}
