"use client";

import type { Message } from "@/lib/inbox/queries";
import { formatDateTime } from "@/lib/format/format-date";
import { cn } from "@/components/ui/cn";
import { DeliveryStatus } from "./delivery-status";
import { formatTime } from "./format-time";
import { MessageContent } from "./message-content";

const SENDER_LABELS: Record<string, string> = {
  agent: "Agent",
  flow: "Bot",
  campaign: "Campaign",
  api: "API",
  system: "System",
  external: "Phone app",
};

/** Who sent an outbound message: the agent's name, "Bot", "Campaign", "API", "Phone app" (an echo). */
export function senderLabel(message: Pick<Message, "senderType" | "senderUser">): string {
  if (message.senderType === "agent" && message.senderUser) return message.senderUser.name;
  return SENDER_LABELS[message.senderType] ?? message.senderType;
}

export type MessageBubbleProps = {
  message: Message;
  onShowTrace: (message: Message) => void;
  /** Offered on failed outbound messages when the viewer may send. */
  onRetry?: (message: Message) => void;
  isRetrying?: boolean;
};

/** One message: the customer's on the left, the business's on the right. */
export function MessageBubble({ message, onShowTrace, onRetry, isRetrying = false }: MessageBubbleProps) {
  const isOutbound = message.direction === "outbound";
  const isOptimistic = message.id.startsWith("optimistic:");
  const isFailed = message.status === "failed";
  return (
    <li className={cn("flex", isOutbound ? "justify-end" : "justify-start")}>
      <div className={cn("flex max-w-[85%] flex-col sm:max-w-[75%]", isOutbound ? "items-end" : "items-start")}>
        <div
          data-testid="message"
          data-message-id={message.id}
          data-direction={message.direction}
          data-status={message.status}
          className={cn(
            "max-w-full rounded-2xl px-3.5 py-2 text-sm shadow-sm",
            isOutbound ? "rounded-br-md bg-brand-600 text-white" : "rounded-bl-md border border-slate-200 bg-white text-slate-900",
            isFailed && "ring-2 ring-red-300",
            isOptimistic && "opacity-80",
          )}
        >
          {message.deletedAt ? <p className="italic opacity-80">This message was deleted</p> : <MessageContent content={message.content} contentType={message.contentType} />}
          <div className={cn("mt-1 flex flex-wrap items-center justify-end gap-x-2 gap-y-0.5 text-xs", isOutbound ? "text-brand-100" : "text-slate-500")}>
            {isOutbound ? (
              <span data-testid="message-sender">
                {senderLabel(message)}
                {message.isAutoReply ? " · auto-reply" : ""}
                {message.messageTag === "HUMAN_AGENT" ? " · human agent tag" : ""}
              </span>
            ) : null}
            <time dateTime={message.createdAt.toISOString()} title={formatDateTime(message.createdAt)}>
              {formatTime(message.createdAt)}
            </time>
            {isOutbound ? <DeliveryStatus status={message.status} errorCode={message.errorCode} errorMessage={message.errorMessage} /> : null}
            {isOptimistic ? null : (
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
            )}
          </div>
        </div>
        {isOutbound && isFailed && onRetry ? (
          <button
            type="button"
            onClick={() => onRetry(message)}
            disabled={isRetrying}
            className="mt-1 rounded px-1.5 py-0.5 text-xs font-medium text-red-700 hover:bg-red-50 focus-visible:outline-2 focus-visible:outline-brand-500 disabled:opacity-60"
          >
            {isRetrying ? "Retrying…" : "Retry"}
          </button>
        ) : null}
      </div>
    </li>
  );
}
