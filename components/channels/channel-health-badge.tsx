import { describeChannelHealth, type ChannelHealthInput } from "@/lib/channels/connect/health";
import { Badge } from "@/components/ui/badge";

export type ChannelHealthBadgeProps = ChannelHealthInput & { now?: Date };

/** "Connected", "Token expires in N days" (amber within 7 days), "Needs re-auth", "Disconnected". */
export function ChannelHealthBadge(props: ChannelHealthBadgeProps) {
  const health = describeChannelHealth(props);
  return <Badge tone={health.tone}>{health.label}</Badge>;
}
