import type { FlowStatusName } from "@/lib/flows/manage/queries";
import { Badge } from "@/components/ui/badge";

const STATUS: Record<FlowStatusName, { label: string; tone: "neutral" | "success" | "warning" }> = {
  draft: { label: "Draft", tone: "neutral" },
  active: { label: "Active", tone: "success" },
  paused: { label: "Paused", tone: "warning" },
};

export function FlowStatusBadge({ status }: { status: FlowStatusName }) {
  return <Badge tone={STATUS[status].tone}>{STATUS[status].label}</Badge>;
}
