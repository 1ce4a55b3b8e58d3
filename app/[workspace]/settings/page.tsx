import { redirect } from "next/navigation";

type SettingsPageProps = { params: Promise<{ workspace: string }> };

export default async function SettingsPage({ params }: SettingsPageProps) {
  const { workspace } = await params;
  redirect(`/${encodeURIComponent(workspace)}/settings/members`);
}
