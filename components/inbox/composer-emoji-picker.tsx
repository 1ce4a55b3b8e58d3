"use client";

import { Popover } from "./popover";

// A small built-in grid of the emoji agents use most. A full picker library (emoji-mart and its
// data: several hundred kB) is not worth it for a support inbox; the OS emoji keyboard still
// works in the text area for anything else.
const EMOJI: ReadonlyArray<readonly [string, string]> = [
  ["😀", "grinning face"],
  ["😊", "smiling face"],
  ["😂", "tears of joy"],
  ["😉", "winking face"],
  ["😍", "heart eyes"],
  ["🥰", "smiling face with hearts"],
  ["😎", "sunglasses"],
  ["🤔", "thinking face"],
  ["😅", "sweat smile"],
  ["😢", "crying face"],
  ["😮", "surprised face"],
  ["🙃", "upside-down face"],
  ["👍", "thumbs up"],
  ["👎", "thumbs down"],
  ["👏", "clapping hands"],
  ["🙏", "folded hands"],
  ["👋", "waving hand"],
  ["💪", "flexed biceps"],
  ["🙌", "raised hands"],
  ["🤝", "handshake"],
  ["❤️", "red heart"],
  ["💙", "blue heart"],
  ["💚", "green heart"],
  ["🔥", "fire"],
  ["✨", "sparkles"],
  ["🎉", "party popper"],
  ["🎁", "gift"],
  ["⭐", "star"],
  ["✅", "check mark"],
  ["❌", "cross mark"],
  ["⚠️", "warning"],
  ["❓", "question mark"],
  ["📦", "package"],
  ["🚚", "delivery truck"],
  ["🛒", "shopping cart"],
  ["💳", "credit card"],
  ["📅", "calendar"],
  ["⏰", "alarm clock"],
  ["📍", "pin"],
  ["📞", "telephone"],
  ["📧", "e-mail"],
  ["🔗", "link"],
  ["☕", "coffee"],
  ["🍰", "cake"],
  ["🌟", "glowing star"],
  ["😴", "sleeping face"],
  ["🤗", "hugging face"],
  ["👀", "eyes"],
];

export type ComposerEmojiPickerProps = { onPick: (emoji: string) => void; disabled?: boolean };

/** "Emoji" opens the grid; a pick inserts at the caret and closes it. */
export function ComposerEmojiPicker({ onPick, disabled }: ComposerEmojiPickerProps) {
  return (
    <Popover trigger={<SmileIcon />} label="Insert emoji" variant="ghost" side="top" disabled={disabled} triggerClassName="px-2">
      {(close) => (
        <div role="group" aria-label="Emoji" className="grid w-64 grid-cols-8 gap-0.5 p-1">
          {EMOJI.map(([emoji, name]) => (
            <button
              key={emoji}
              type="button"
              aria-label={name}
              title={name}
              onClick={() => {
                close();
                onPick(emoji);
              }}
              className="flex size-7 items-center justify-center rounded text-lg hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-brand-500"
            >
              {emoji}
            </button>
          ))}
        </div>
      )}
    </Popover>
  );
}

function SmileIcon() {
  return (
    <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" className="size-5">
      <circle cx="12" cy="12" r="9" />
      <path d="M8.5 14a4 4 0 0 0 7 0M9 9.5h.01M15 9.5h.01" />
    </svg>
  );
}
