import type { BlockClipboard } from "@/lib/flows/manage/draft-edits";

// Copied blocks live for the tab, so they can be pasted into another flow too. Kept out of the
// system clipboard: reading it needs a permission prompt, and blocks are not useful text.
let copied: BlockClipboard | null = null;
let pasteCount = 0;

export function setCopiedBlocks(clipboard: BlockClipboard): void {
  copied = clipboard;
  pasteCount = 0;
}

/** The copied blocks and how far to offset this paste (each paste lands a step further). */
export function takeCopiedBlocks(): { clipboard: BlockClipboard; offset: { x: number; y: number } } | null {
  if (!copied) return null;
  pasteCount += 1;
  return { clipboard: copied, offset: { x: 40 * pasteCount, y: 40 * pasteCount } };
}
