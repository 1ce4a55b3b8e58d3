import { cn } from "@/components/ui/cn";

const LABELS: Record<string, string> = {
  pending: "Sending…",
  sent: "Sent",
  delivered: "Delivered",
  read: "Read",
  failed: "Failed",
};

export type DeliveryStatusProps = {
  status: string;
  errorCode: string | null;
  errorMessage: string | null;
};

/** The delivery status of an outbound message; a failure says why. */
export function DeliveryStatus({ status, errorCode, errorMessage }: DeliveryStatusProps) {
  const label = LABELS[status] ?? status;
  if (status !== "failed") {
    return <span className={cn(status === "read" && "font-medium")}>{label}</span>;
  }
  const reason = errorMessage ?? errorCode;
  return (
    <span className="font-medium text-red-700">
      {label}
      {reason ? `: ${reason}` : ""}
      {errorMessage && errorCode ? ` (${errorCode})` : ""}
    </span>
  );
}
