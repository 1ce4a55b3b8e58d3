"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ComponentType } from "react";
import { CampaignsIcon, ChannelIcon, ContactsIcon, FlowsIcon, InboxIcon, SettingsIcon, type IconProps } from "@/components/ui/icons";
import { cn } from "@/components/ui/cn";

const ITEMS: ReadonlyArray<{ label: string; segment: string; icon: ComponentType<IconProps> }> = [
  { label: "Inbox", segment: "inbox", icon: InboxIcon },
  { label: "Flows", segment: "flows", icon: FlowsIcon },
  { label: "Campaigns", segment: "campaigns", icon: CampaignsIcon },
  { label: "Contacts", segment: "contacts", icon: ContactsIcon },
  { label: "Sandbox", segment: "sandbox", icon: ChannelIcon },
  { label: "Settings", segment: "settings", icon: SettingsIcon },
];

export type SidebarNavProps = { slug: string };

/** The workspace's main navigation; the current section is highlighted and aria-current. */
export function SidebarNav({ slug }: SidebarNavProps) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main">
      <ul className="space-y-1">
        {ITEMS.map(({ label, segment, icon: Icon }) => {
          const href = `/${slug}/${segment}`;
          const isActive = pathname === href || pathname.startsWith(`${href}/`);
          return (
            <li key={segment}>
              <Link
                href={href}
                aria-current={isActive ? "page" : undefined}
                className={cn(
                  "flex items-center gap-3 rounded-lg px-3 py-2 text-sm font-medium transition-colors",
                  isActive ? "bg-brand-50 text-brand-700" : "text-slate-700 hover:bg-slate-100 hover:text-slate-900",
                )}
              >
                <Icon className={cn("size-5", isActive ? "text-brand-600" : "text-slate-400")} />
                {label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
