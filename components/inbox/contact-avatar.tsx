"use client";

import { useState } from "react";
import { cn } from "@/components/ui/cn";
import { safeHref } from "@/components/messages/linkify";
import { initials } from "./contact-name";

export type ContactAvatarProps = { name: string; avatarUrl: string | null; className?: string };

/** The contact's picture (http(s) only), or their initials when there is none or it fails to load. Decorative. */
export function ContactAvatar({ name, avatarUrl, className }: ContactAvatarProps) {
  const [hasFailed, setHasFailed] = useState(false);
  const src = hasFailed ? null : safeHref(avatarUrl);
  return (
    <span aria-hidden="true" className={cn("flex shrink-0 items-center justify-center overflow-hidden rounded-full bg-slate-200 text-xs font-semibold text-slate-700 uppercase", className)}>
      {src ? (
        // Profile pictures come from provider CDNs (arbitrary hosts).
        // eslint-disable-next-line @next/next/no-img-element
        <img src={src} alt="" referrerPolicy="no-referrer" loading="lazy" onError={() => setHasFailed(true)} className="size-full object-cover" />
      ) : (
        initials(name)
      )}
    </span>
  );
}
