"use client";

import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { automationCreditsQuery } from "@/lib/automation/queries";
import { Alert } from "@/components/ui/alert";
import { cn } from "@/components/ui/cn";

const count = new Intl.NumberFormat();

export type CreditBalanceProps = { slug: string; className?: string };

/** The credit balance as a compact tile (Flows page header, activity page). */
export function CreditBalance({ slug, className }: CreditBalanceProps) {
  const credits = useQuery(automationCreditsQuery(slug));
  const data = credits.data;
  const tone = !data ? "neutral" : data.automationsPaused ? "danger" : data.isLow ? "warning" : "neutral";
  return (
    <div
      data-testid="credit-balance"
      className={cn(
        "flex items-baseline gap-2 rounded-lg border px-3 py-2",
        tone === "danger" && "border-red-200 bg-red-50 text-red-800",
        tone === "warning" && "border-amber-200 bg-amber-50 text-amber-900",
        tone === "neutral" && "border-slate-200 bg-white text-slate-900",
        className,
      )}
    >
      <span className="text-xs font-medium tracking-wide uppercase opacity-80">Credits</span>
      <span data-testid="credit-balance-value" className="text-lg font-semibold tabular-nums">
        {data ? count.format(data.balance) : credits.isError ? "?" : "…"}
      </span>
    </div>
  );
}

export type CreditBannerProps = { slug: string; canTopUp: boolean };

/** Shown when automations are paused for lack of credits, or when few are left; nothing otherwise. */
export function CreditBanner({ slug, canTopUp }: CreditBannerProps) {
  const credits = useQuery(automationCreditsQuery(slug));
  const data = credits.data;
  if (!data || (!data.automationsPaused && !data.isLow)) return null;
  const action = canTopUp ? (
    <Link href={`/${slug}/flows/activity#credits`} className="font-medium underline">
      Add credits
    </Link>
  ) : (
    <span>Ask the workspace owner to add credits.</span>
  );
  if (data.automationsPaused) {
    return (
      <Alert tone="error" title="Automations are paused: no credits left" className="mb-6">
        Flows, welcome and away messages send nothing until credits are added; each skipped message is listed in the activity log. {action}
      </Alert>
    );
  }
  return (
    <Alert tone="warning" title="Credits are running low" className="mb-6">
      {count.format(data.balance)} left (under 10 % of the last top-up). Automations stop at zero. {action}
    </Alert>
  );
}
