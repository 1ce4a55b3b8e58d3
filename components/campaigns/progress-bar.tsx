import { cn } from "@/components/ui/cn";
import { progressPercent } from "./format";

export type ProgressBarProps = { progress: number | null; label: string; className?: string };

/** An accessible progress bar (role="progressbar" with its value). */
export function ProgressBar({ progress, label, className }: ProgressBarProps) {
  const percent = progressPercent(progress);
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      aria-valuetext={`${percent} %`}
      className={cn("h-2 w-full overflow-hidden rounded-full bg-slate-100", className)}
    >
      <div className="h-full rounded-full bg-brand-600 transition-[width] duration-500" style={{ width: `${percent}%` }} />
    </div>
  );
}
