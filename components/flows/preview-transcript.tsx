"use client";

import type { FlowPreviewData, PreviewEntry } from "@/lib/flows/preview/preview-schemas";
import { cn } from "@/components/ui/cn";

type BotMessage = Extract<PreviewEntry, { kind: "bot" }>["message"];

export type PreviewTranscriptProps = {
  transcript: FlowPreviewData["transcript"];
  /** Options of the last bot message can be tapped while the flow waits for a reply. */
  canAnswer: boolean;
  isSending: boolean;
  onChoose: (choice: { payload: string; title: string }) => void;
};

/** The chat: the test customer on the right, the bot on the left, actions as centred system lines. */
export function PreviewTranscript({ transcript, canAnswer, isSending, onChoose }: PreviewTranscriptProps) {
  const lastBotIndex = transcript.findLastIndex((entry) => entry.kind === "bot");
  return (
    <ol className="flex flex-col gap-2" aria-label="Preview conversation" data-testid="preview-transcript">
      {transcript.map((entry, index) => {
        if (entry.kind === "system") {
          return (
            <li key={entry.id} data-testid="preview-system" className={cn("px-2 text-center text-xs", entry.tone === "error" ? "text-red-700" : "text-slate-500")}>
              {entry.text}
            </li>
          );
        }
        if (entry.kind === "customer") {
          return (
            <li key={entry.id} className="flex justify-end">
              <p data-testid="preview-customer" className="max-w-[85%] rounded-2xl rounded-br-sm bg-brand-600 px-3 py-2 text-sm break-words whitespace-pre-wrap text-white">
                {entry.text}
              </p>
            </li>
          );
        }
        return (
          <li key={entry.id} className="flex justify-start">
            <BotBubble message={entry.message} canChoose={canAnswer && index === lastBotIndex && !isSending} onChoose={onChoose} />
          </li>
        );
      })}
    </ol>
  );
}

type BotBubbleProps = { message: BotMessage; canChoose: boolean; onChoose: (choice: { payload: string; title: string }) => void };

function BotBubble({ message, canChoose, onChoose }: BotBubbleProps) {
  const options = choicesOf(message);
  return (
    <div data-testid="preview-bot" className="flex max-w-[85%] flex-col gap-1.5">
      <div className="rounded-2xl rounded-bl-sm border border-slate-200 bg-white px-3 py-2 text-sm break-words whitespace-pre-wrap text-slate-900 shadow-sm">
        <BotContent message={message} />
      </div>
      {options.length > 0 ? (
        <div className="flex flex-wrap gap-1.5" role="group" aria-label={message.type === "list" ? message.buttonText : "Replies"}>
          {options.map((option) => (
            <button
              key={option.id}
              type="button"
              disabled={!canChoose}
              onClick={() => onChoose({ payload: option.id, title: option.title })}
              title={option.description}
              className="rounded-full border border-brand-300 bg-white px-3 py-1 text-xs font-medium text-brand-700 hover:bg-brand-50 disabled:cursor-not-allowed disabled:border-slate-200 disabled:text-slate-400"
            >
              {option.title}
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}

function BotContent({ message }: { message: BotMessage }) {
  switch (message.type) {
    case "text":
    case "quick_replies":
    case "buttons":
      return <>{message.text}</>;
    case "list":
      return (
        <>
          {message.text}
          <span className="mt-1 block text-xs font-medium text-slate-500">☰ {message.buttonText}</span>
        </>
      );
    case "template":
      return <>{message.text ?? `Template ${message.name}`}</>;
    case "media":
      return (
        <span className="flex flex-col gap-1">
          <MediaView message={message} />
          {message.caption ? <span>{message.caption}</span> : null}
        </span>
      );
  }
}

function MediaView({ message }: { message: Extract<BotMessage, { type: "media" }> }) {
  if (message.media === "image") {
    // eslint-disable-next-line @next/next/no-img-element -- any URL a flow author typed: next/image would need every host configured
    return <img src={message.url} alt={message.caption ?? "Image"} className="max-h-56 rounded-lg object-contain" />;
  }
  if (message.media === "video") return <video src={message.url} controls className="max-h-56 rounded-lg" />;
  if (message.media === "audio") return <audio src={message.url} controls className="w-56" />;
  return (
    <a href={message.url} target="_blank" rel="noreferrer noopener" className="text-brand-700 underline">
      📎 {message.filename ?? "File"}
    </a>
  );
}

function choicesOf(message: BotMessage): { id: string; title: string; description?: string }[] {
  if (message.type === "quick_replies") return message.options;
  if (message.type === "buttons") return message.buttons;
  if (message.type === "list") return message.sections.flatMap((section) => section.rows);
  return [];
}
