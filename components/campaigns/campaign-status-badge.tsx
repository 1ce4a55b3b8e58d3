import { Badge, type BadgeTone } from "@/components/ui/badge";

export type CampaignStatusBadgeProps = { status: string };

const TONES: Record<string, BadgeTone> = {
  draft: "neutral",
  scheduled: "brand",
  running: "brand",
  paused: "warning",
  stopped: "danger",
  completed: "success",
  cancelled: "neutral",
};

const LABELS: Record<string, string> = {
  draft: "Draft",
  scheduled: "Scheduled",
  running: "Sending",
  paused: "Paused",
  stopped: "Stopped",
  completed: "Completed",
  cancelled: "Cancelled",
};

export function CampaignStatusBadge({ status }: CampaignStatusBadgeProps) {
  return <Badge tone={TONES[status] ?? "neutral"}>{LABELS[status] ?? status}</Badge>;
}

/** Whether the campaign is moving on its own, so pages poll it. */
export function isLiveStatus(status: string | undefined): boolean {
  return status === "scheduled" || status === "running";
}
