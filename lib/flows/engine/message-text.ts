import type { MessageContent } from "@/lib/channels/types";

/**
 * The words and the tapped payload of an inbound message, whatever its type: a text, the
 * title and id of a tapped quick reply / button / list row, a story reply's text, a caption.
 */
export function messageText(content: MessageContent): { text: string | null; payload: string | null } {
  switch (content.type) {
    case "text":
      return { text: content.text, payload: null };
    case "interactive":
      return { text: content.reply.title, payload: content.reply.id };
    case "story_reply":
      return { text: content.text ?? null, payload: null };
    case "image":
    case "video":
    case "audio":
    case "file":
    case "sticker":
      return { text: content.caption ?? null, payload: null };
    default:
      return { text: null, payload: null };
  }
}
