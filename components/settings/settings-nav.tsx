"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/components/ui/cn";

const ITEMS = [
  { label: "Members", segment: "members", isAdminOnly: false },
  { label: "API keys", segment: "api-keys", isAdminOnly: false },
  { label: "Channels", segment: "channels", isAdminOnly: false },
  { label: "Inbox", segment: "inbox", isAdminOnly: false },
  { label: "Automation", segment: "automation", isAdminOnly: false },
  { label: "Webhook log", segment: "webhooks", isAdminOnly: true },
  { label: "Debug", segment: "debug", isAdminOnly: true },
] as const;

export type SettingsNavProps = {
  slug: string;
  /** Owners and admins also see the pages only they may use (Webhook log). */
  canManageWorkspace: boolean;
};

/** Tabs between the settings pages; the current one is aria-current. */
export function SettingsNav({ slug, canManageWorkspace }: SettingsNavProps) {
  const pathname = usePathname();
  const items = ITEMS.filter((item) => canManageWorkspace || !item.isAdminOnly);
  return (
    <nav aria-label="Settings" className="-mx-4 mb-6 overflow-x-auto border-b border-slate-200 px-4 sm:mx-0 sm:px-0">
      <ul className="flex gap-6">
        {items.map(({ label, segment }) => {
          const href = `/${slug}/settings/${segment}`;
          const isActive = pathname === href || pathname.startsWith(`${href}/`);
          return (
            <li key={segment}>
              <Link
                href={href}
                aria-current={isActive ? "page" : undefined}
                className={cn(
                  "-mb-px inline-block border-b-2 px-1 pb-3 text-sm font-medium whitespace-nowrap",
                  isActive ? "border-brand-600 text-brand-700" : "border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900",
                )}
              >
                {label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
