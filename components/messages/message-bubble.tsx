import type { Message } from "@/lib/inbox/queries";
import { formatDateTime } from "@/lib/format/format-date";
import { cn } from "@/components/ui/cn";
import { DeliveryStatus } from "./delivery-status";
import { formatTime } from "./format-time";
import { MessageContent } from "./message-content";

const SENDER_LABELS: Record<string, string> = {
  agent: "Agent",
  flow: "Flow",
  campaign: "Campaign",
  api: "API",
  system: "System",
  external: "Sent outside Switchboard",
};

export type MessageBubbleProps = {
  message: Message;
  onShowTrace: (message: Message) => void;
};

/** One message: the customer's on the left, the business's on the right. */
export function MessageBubble({ message, onShowTrace }: MessageBubbleProps) {
  const isOutbound = message.direction === "outbound";
  const sender = isOutbound ? SENDER_LABELS[message.senderType] : null;
  return (
    <li className={cn("flex", isOutbound ? "justify-end" : "justify-start")}>
      <div
        data-testid="message"
        data-direction={message.direction}
        data-status={message.status}
        className={cn(
          "max-w-[85%] rounded-2xl px-3.5 py-2 text-sm shadow-sm sm:max-w-[75%]",
          isOutbound ? "rounded-br-md bg-brand-600 text-white" : "rounded-bl-md border border-slate-200 bg-white text-slate-900",
          message.status === "failed" && "ring-2 ring-red-300",
        )}
      >
        {message.deletedAt ? <p className="italic opacity-80">This message was deleted</p> : <MessageContent content={message.content} contentType={message.contentType} />}
        <div className={cn("mt-1 flex flex-wrap items-center justify-end gap-x-2 gap-y-0.5 text-xs", isOutbound ? "text-brand-100" : "text-slate-500")}>
          {sender ? (
            <span>
              {sender}
              {message.isAutoReply ? " · auto-reply" : ""}
            </span>
          ) : null}
          <time dateTime={message.createdAt.toISOString()} title={formatDateTime(message.createdAt)}>
            {formatTime(message.createdAt)}
          </time>
          {isOutbound ? (
            <span className={cn(message.status === "failed" && "rounded bg-white px-1")}>
              <DeliveryStatus status={message.status} errorCode={message.errorCode} errorMessage={message.errorMessage} />
            </span>
          ) : null}
          <button
            type="button"
            onClick={() => onShowTrace(message)}
            aria-label={`Trace of the message from ${formatTime(message.createdAt)}`}
            className={cn(
              "rounded px-1 font-medium underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-offset-1",
              isOutbound ? "text-white focus-visible:outline-white" : "text-brand-700 focus-visible:outline-brand-500",
            )}
          >
            Trace
          </button>
        </div>
      </div>
    </li>
  );
}
