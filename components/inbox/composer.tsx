"use client";

import { useEffect, useId, useRef, useState, type ChangeEvent, type KeyboardEvent } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { FetchError } from "@/lib/http/fetch-json";
import { measureText } from "@/lib/inbox/compose/channel-limits";
import { composeQuery, inboxApi, inboxKeys, savedRepliesQuery, type Attachment, type ComposeState, type Conversation } from "@/lib/inbox/queries";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Input } from "@/components/ui/input";
import { CloseIcon } from "@/components/ui/icons";
import { ComposerEmojiPicker } from "./composer-emoji-picker";
import { ComposerTemplatePicker } from "./composer-template-picker";
import { Popover } from "./popover";
import { applySavedReply, filterSavedReplies, findSlashCommand, type SlashCommand } from "./saved-reply-shortcut";
import { useSendMessage, type SendDraft } from "./use-send-message";

/** The window rules change with time (24 h, 7 days): look again now and then. */
const COMPOSE_REFRESH_MS = 60_000;

export type ComposerProps = {
  slug: string;
  conversation: Conversation;
  currentUser: { id: string; name: string };
};

/**
 * The reply box under the thread. What it offers follows GET …/compose: free text (with emoji,
 * an attachment, quick replies and "/" saved replies), the HUMAN_AGENT tag on Instagram after
 * 24 h, only a template on WhatsApp after 24 h, or nothing, with the reason, when locked.
 */
export function Composer({ slug, conversation, currentUser }: ComposerProps) {
  const queryClient = useQueryClient();
  const compose = useQuery({ ...composeQuery({ slug, conversationId: conversation.id }), refetchInterval: COMPOSE_REFRESH_MS, meta: { showsErrorInline: true } });
  const sender = useSendMessage({ slug, conversationId: conversation.id, currentUser });

  // A new inbound message (window), a status or opt-out change can change what may be sent.
  const rulesVersion = `${conversation.lastInboundAt?.getTime() ?? 0}|${conversation.status}|${conversation.contact.optedOut}`;
  const previousVersion = useRef(rulesVersion);
  useEffect(() => {
    if (previousVersion.current === rulesVersion) return;
    previousVersion.current = rulesVersion;
    void queryClient.invalidateQueries({ queryKey: inboxKeys.compose(slug, conversation.id), exact: true });
  }, [queryClient, rulesVersion, slug, conversation.id]);

  if (compose.isPending) {
    return (
      <div role="status" className="border-t border-slate-100 p-3">
        <span className="sr-only">Loading the composer…</span>
        <div aria-hidden="true" className="h-20 animate-pulse rounded-lg bg-slate-100" />
      </div>
    );
  }
  if (compose.error) {
    return (
      <div className="border-t border-slate-100 p-3">
        <Alert tone="error">
          <div className="flex flex-wrap items-center justify-between gap-2">
            <span>Could not load the composer: {compose.error.message}</span>
            <Button size="sm" variant="secondary" onClick={() => void compose.refetch()}>
              Try again
            </Button>
          </div>
        </Alert>
      </div>
    );
  }

  const state = compose.data;
  return (
    <div data-testid="composer" data-mode={state.mode} className="border-t border-slate-100 bg-white p-3">
      {state.mode === "locked" ? (
        <LockedComposer reason={state.reason} />
      ) : state.mode === "template_only" ? (
        <div className="space-y-3">
          <Alert tone="warning" title="Only a template can be sent now">
            {state.reason ?? "The 24-hour window is closed: WhatsApp only accepts approved templates until the customer writes again."}
          </Alert>
          <TemplateSender state={state} sender={sender} />
        </div>
      ) : (
        <TextComposer slug={slug} state={state} sender={sender} />
      )}
    </div>
  );
}

type Sender = ReturnType<typeof useSendMessage>;
type SenderProps = { slug: string; state: ComposeState; sender: Sender };

function LockedComposer({ reason }: { reason: string | null }) {
  const id = useId();
  return (
    <div className="space-y-2">
      <p id={id} className="text-sm text-slate-700">
        <span className="font-medium">You can’t reply here right now.</span> {reason ?? "The messaging rules of this channel do not allow a reply."}
      </p>
      <label htmlFor={`${id}-text`} className="sr-only">
        Message
      </label>
      <textarea id={`${id}-text`} disabled aria-describedby={id} rows={2} className="block w-full resize-none rounded-lg border border-slate-200 bg-slate-100 px-3 py-2 text-sm" />
    </div>
  );
}

function TemplateSender({ state, sender }: Omit<SenderProps, "slug">) {
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <ComposerTemplatePicker
        templates={state.templates}
        isSending={sender.isSending}
        onSend={async (template, renderedText) => {
          setError(null);
          const outcome = await sender.send(
            { template },
            { contentType: "template", content: { type: "template", name: template.name, language: template.language, text: renderedText } },
          );
          if (!outcome.ok) setError(outcome.error.message);
          return outcome.ok;
        }}
      />
      {error ? <SendError message={error} /> : null}
    </>
  );
}

function TextComposer({ slug, state, sender }: SenderProps) {
  const id = useId();
  const [text, setText] = useState("");
  const [attachment, setAttachment] = useState<Attachment | null>(null);
  const [quickReplies, setQuickReplies] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [command, setCommand] = useState<SlashCommand | null>(null);
  const [activeReply, setActiveReply] = useState(0);
  const textareaRef = useRef<HTMLTextAreaElement>(null);
  const savedReplies = useQuery({ ...savedRepliesQuery(slug), enabled: command !== null, meta: { showsErrorInline: true } });
  const suggestions = command ? filterSavedReplies(savedReplies.data ?? [], command.query) : [];
  const isListOpen = command !== null && suggestions.length > 0;

  // Counted the way the channel counts (UTF-8 bytes on Instagram, UTF-16 units on Twilio).
  const length = measureText(text, state.textLengthUnit);
  const isTooLong = length > state.maxTextLength;
  const isEmpty = text.trim() === "" && !attachment;
  const isHumanAgentTag = state.mode === "human_agent_tag";

  function updateCommand(value: string, caret: number) {
    const next = findSlashCommand(value, caret);
    setCommand(next);
    setActiveReply(0);
  }

  function onChange(event: ChangeEvent<HTMLTextAreaElement>) {
    setText(event.target.value);
    updateCommand(event.target.value, event.target.selectionStart);
  }

  function insertAtCaret(value: string) {
    const element = textareaRef.current;
    const start = element?.selectionStart ?? text.length;
    const end = element?.selectionEnd ?? text.length;
    const next = text.slice(0, start) + value + text.slice(end);
    setText(next);
    requestAnimationFrame(() => {
      element?.focus();
      element?.setSelectionRange(start + value.length, start + value.length);
    });
  }

  function pickSavedReply(index: number) {
    const reply = suggestions[index];
    if (!reply || !command) return;
    const next = applySavedReply(text, command, reply.body);
    setText(next.text);
    setCommand(null);
    requestAnimationFrame(() => textareaRef.current?.setSelectionRange(next.caret, next.caret));
  }

  async function submit() {
    if (sender.isSending) return;
    if (isEmpty) {
      setError("Write a message or attach a file first.");
      return;
    }
    if (isTooLong) {
      setError(`This channel accepts at most ${state.maxTextLength} characters.`);
      return;
    }
    setError(null);
    const body = text.trim();
    const draft: SendDraft = {
      ...(body ? { text: body } : {}),
      ...(attachment ? { attachmentId: attachment.id } : {}),
      ...(quickReplies.length ? { quickReplies } : {}),
      ...(isHumanAgentTag ? { humanAgentTag: true } : {}),
    };
    const preview = attachment
      ? { contentType: mediaType(attachment.mimeType), content: { type: mediaType(attachment.mimeType), url: attachment.url, caption: body || undefined, filename: attachment.fileName } }
      : { contentType: "text", content: { type: "text", text: body, ...(quickReplies.length ? { outbound: { options: quickReplies.map((title) => ({ id: title, title })) } } : {}) } };
    // Cleared at once (the bubble shows it); restored if the send fails.
    const saved = { text, attachment, quickReplies };
    setText("");
    setAttachment(null);
    setQuickReplies([]);
    const outcome = await sender.send(draft, preview);
    if (!outcome.ok) {
      setText(saved.text);
      setAttachment(saved.attachment);
      setQuickReplies(saved.quickReplies);
      setError(describeSendError(outcome.error));
      textareaRef.current?.focus();
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.nativeEvent.isComposing) return;
    if (isListOpen) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        setActiveReply((index) => (index + step + suggestions.length) % suggestions.length);
        return;
      }
      if (event.key === "Enter" || event.key === "Tab") {
        event.preventDefault();
        pickSavedReply(activeReply);
        return;
      }
      if (event.key === "Escape") {
        event.preventDefault();
        setCommand(null);
        return;
      }
    }
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      void submit();
    }
  }

  const counterId = `${id}-counter`;
  const hintId = `${id}-hint`;
  const listId = `${id}-saved-replies`;

  return (
    <form
      aria-label="Reply"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
      className="space-y-2"
    >
      {isHumanAgentTag ? (
        <p role="note" className="rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-xs text-amber-900">
          <span className="font-medium">Sent with Instagram’s HUMAN_AGENT tag.</span>{" "}
          {state.reason ?? "The 24-hour window is closed; a person (not the bot) may still answer for up to 7 days after the customer’s last message."}
        </p>
      ) : null}

      {quickReplies.length || attachment ? (
        <div className="flex flex-wrap items-center gap-1.5">
          {attachment ? (
            <Chip label={`Attachment: ${attachment.fileName}`} onRemove={() => setAttachment(null)}>
              <PaperclipIcon className="mr-1 inline size-3.5" />
              {attachment.fileName}
            </Chip>
          ) : null}
          {quickReplies.map((reply) => (
            <Chip key={reply} label={`Quick reply ${reply}`} onRemove={() => setQuickReplies((current) => current.filter((item) => item !== reply))}>
              {reply}
            </Chip>
          ))}
        </div>
      ) : null}

      <div className="relative">
        <label htmlFor={`${id}-text`} className="sr-only">
          Message
        </label>
        <textarea
          id={`${id}-text`}
          ref={textareaRef}
          value={text}
          onChange={onChange}
          onKeyDown={onKeyDown}
          onClick={(event) => updateCommand(event.currentTarget.value, event.currentTarget.selectionStart)}
          onBlur={() => window.setTimeout(() => setCommand(null), 150)}
          rows={2}
          placeholder="Write a reply… (/ for saved replies)"
          role="combobox"
          aria-expanded={isListOpen}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={isListOpen ? `${listId}-${activeReply}` : undefined}
          aria-describedby={`${counterId} ${hintId}`}
          aria-invalid={isTooLong || undefined}
          className={cn(
            "block max-h-48 min-h-16 w-full resize-y rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm",
            "placeholder:text-slate-400 focus:border-brand-500 focus:ring-2 focus:ring-brand-100 focus:outline-none",
            "aria-invalid:border-red-500",
          )}
        />
        <ul
          id={listId}
          role="listbox"
          aria-label="Saved replies"
          hidden={!isListOpen}
          className="absolute inset-x-0 bottom-full z-20 mb-1 max-h-56 overflow-y-auto rounded-lg border border-slate-200 bg-white p-1 text-sm shadow-lg"
        >
          {suggestions.map((reply, index) => (
            <li
              key={reply.id}
              id={`${listId}-${index}`}
              role="option"
              aria-selected={index === activeReply}
              onMouseDown={(event) => {
                event.preventDefault();
                pickSavedReply(index);
              }}
              className={cn("cursor-pointer rounded-md px-2.5 py-1.5", index === activeReply ? "bg-brand-50 text-brand-800" : "text-slate-800 hover:bg-slate-50")}
            >
              <span className="font-mono text-xs font-semibold">/{reply.shortcut}</span>
              <span className="ml-2 line-clamp-1 text-xs text-slate-600">{reply.body}</span>
            </li>
          ))}
        </ul>
      </div>

      <div className="flex flex-wrap items-center gap-1">
        <ComposerEmojiPicker onPick={insertAtCaret} />
        {/* An attachment and quick replies never go together (one message is one or the other). */}
        <AttachmentPicker slug={slug} maxBytes={state.limits.mediaMaxBytes} onAttached={setAttachment} hasAttachment={attachment !== null} disabled={quickReplies.length > 0} />
        {state.limits.quickReplies > 0 ? (
          <QuickRepliesPicker
            max={state.limits.quickReplies}
            titleMax={state.limits.quickReplyTitleLength}
            current={quickReplies}
            disabled={attachment !== null}
            onAdd={(reply) => setQuickReplies((current) => [...current, reply])}
          />
        ) : null}
        <p id={hintId} className="ml-1 hidden text-xs text-slate-500 2xl:block">
          Enter to send · Shift+Enter for a new line
        </p>
        <span id={counterId} data-testid="composer-counter" className={cn("ml-auto text-xs tabular-nums", isTooLong ? "font-semibold text-red-700" : "text-slate-500")}>
          {length}/{state.maxTextLength}
          <span className="sr-only">{state.textLengthUnit === "utf8_bytes" ? " bytes" : " characters"}</span>
        </span>
        <Button type="submit" size="sm" isPending={sender.isSending} disabled={isTooLong}>
          Send
        </Button>
      </div>
      {error ? <SendError message={error} /> : null}
    </form>
  );
}

function SendError({ message }: { message: string }) {
  return (
    <p role="alert" data-testid="composer-error" className="rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
      {message}
    </p>
  );
}

function describeSendError(error: Error): string {
  if (error instanceof FetchError && (error.code === "network_error" || error.status >= 500)) {
    return `${error.message}. Your message was kept: send it again (it will not be sent twice).`;
  }
  return error.message;
}

function Chip({ children, label, onRemove }: { children: React.ReactNode; label: string; onRemove: () => void }) {
  return (
    <span className="inline-flex items-center gap-1 rounded-full border border-slate-300 bg-slate-50 py-0.5 pr-0.5 pl-2.5 text-xs text-slate-800">
      <span className="max-w-48 truncate">{children}</span>
      <button type="button" aria-label={`Remove ${label}`} onClick={onRemove} className="rounded-full p-0.5 text-slate-500 hover:bg-slate-200 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-brand-500">
        <CloseIcon className="size-3.5" />
      </button>
    </span>
  );
}

function mediaType(mimeType: string): "image" | "video" | "audio" | "file" {
  if (mimeType.startsWith("image/")) return "image";
  if (mimeType.startsWith("video/")) return "video";
  if (mimeType.startsWith("audio/")) return "audio";
  return "file";
}

type AttachmentPickerProps = { slug: string; maxBytes: number; hasAttachment: boolean; disabled: boolean; onAttached: (attachment: Attachment) => void };

/** Upload a file or paste a URL: the app stores a copy (POST /api/attachments) and sends that. */
function AttachmentPicker({ slug, maxBytes, hasAttachment, disabled, onAttached }: AttachmentPickerProps) {
  const id = useId();
  const [url, setUrl] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  const fileRef = useRef<HTMLInputElement>(null);

  async function attach(run: () => Promise<Attachment>, close: () => void) {
    setError(null);
    setIsBusy(true);
    try {
      onAttached(await run());
      setUrl("");
      close();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : "Could not attach the file");
    } finally {
      setIsBusy(false);
    }
  }

  return (
    <Popover
      trigger={<PaperclipIcon />}
      label={hasAttachment ? "Replace the attachment" : "Attach a file"}
      variant="ghost"
      side="top"
      disabled={disabled}
      triggerClassName="px-2"
    >
      {(close) => (
        <div className="w-72 space-y-3 p-2">
          <div>
            <input
              ref={fileRef}
              id={`${id}-file`}
              type="file"
              className="sr-only"
              onChange={(event) => {
                const file = event.target.files?.[0];
                event.target.value = "";
                if (!file) return;
                if (file.size > maxBytes) {
                  setError(`That file is ${formatBytes(file.size)}; this channel accepts up to ${formatBytes(maxBytes)}.`);
                  return;
                }
                void attach(() => inboxApi.uploadAttachment({ slug, file }), close);
              }}
            />
            <Button size="sm" variant="secondary" className="w-full" isPending={isBusy} onClick={() => fileRef.current?.click()}>
              Upload a file…
            </Button>
            <p className="mt-1 text-xs text-slate-500">Up to {formatBytes(maxBytes)}.</p>
          </div>
          <form
            onSubmit={(event) => {
              event.preventDefault();
              if (!/^https?:\/\//i.test(url.trim())) {
                setError("Paste a link that starts with http:// or https://");
                return;
              }
              void attach(() => inboxApi.attachUrl({ slug, url: url.trim() }), close);
            }}
            className="space-y-1.5"
          >
            <label htmlFor={`${id}-url`} className="block text-xs font-medium text-slate-700">
              Or paste a URL
            </label>
            <div className="flex gap-1.5">
              <Input id={`${id}-url`} type="url" value={url} onChange={(event) => setUrl(event.target.value)} placeholder="https://…" className="h-8" />
              <Button type="submit" size="sm" isPending={isBusy}>
                Add
              </Button>
            </div>
          </form>
          {error ? (
            <p role="alert" className="text-xs text-red-700">
              {error}
            </p>
          ) : null}
        </div>
      )}
    </Popover>
  );
}

type QuickRepliesPickerProps = { max: number; titleMax: number; current: string[]; disabled: boolean; onAdd: (reply: string) => void };

/** Buttons the customer can tap instead of typing (up to the channel's limit). */
function QuickRepliesPicker({ max, titleMax, current, disabled, onAdd }: QuickRepliesPickerProps) {
  const id = useId();
  const [value, setValue] = useState("");
  const isFull = current.length >= max;
  return (
    <Popover trigger="Quick replies" label={`Add quick replies (${current.length} of ${max})`} variant="ghost" side="top" disabled={disabled} triggerClassName="px-2 text-xs">
      {() => (
        <form
          className="w-64 space-y-1.5 p-2"
          onSubmit={(event) => {
            event.preventDefault();
            const reply = value.trim();
            if (!reply || isFull || current.includes(reply)) return;
            onAdd(reply);
            setValue("");
          }}
        >
          <label htmlFor={`${id}-reply`} className="block text-xs font-medium text-slate-700">
            Quick reply ({current.length}/{max})
          </label>
          <div className="flex gap-1.5">
            <Input id={`${id}-reply`} value={value} maxLength={titleMax} disabled={isFull} onChange={(event) => setValue(event.target.value)} placeholder="e.g. Yes please" className="h-8" />
            <Button type="submit" size="sm" disabled={isFull}>
              Add
            </Button>
          </div>
          <p className="text-xs text-slate-500">{isFull ? "That is the most this channel shows." : `Up to ${titleMax} characters each.`}</p>
        </form>
      )}
    </Popover>
  );
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
  return `${Math.round(bytes / 1024)} kB`;
}

function PaperclipIcon({ className = "size-5" }: { className?: string }) {
  return (
    <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" className={className}>
      <path d="M20.5 11.5l-8.2 8.2a5 5 0 0 1-7.1-7.1l8.5-8.5a3.3 3.3 0 0 1 4.7 4.7l-8.5 8.5a1.7 1.7 0 0 1-2.4-2.4l7.8-7.8" />
    </svg>
  );
}
