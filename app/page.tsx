import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/current-user";
import { listUserWorkspaces } from "@/lib/workspaces/members";

export const dynamic = "force-dynamic";

/** Sends a signed-in user to their first workspace's inbox, anyone else to /login. */
export default async function HomePage() {
  const user = await getCurrentUser();
  if (!user) redirect("/login");
  const [first] = await listUserWorkspaces(user.id);
  redirect(first ? `/${first.slug}/inbox` : "/workspaces/new");
}
