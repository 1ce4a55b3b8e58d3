import type { MessageContent } from "@/lib/channels/types";

const PREVIEW_LENGTH = 140;

/** A one-line preview of a message for the conversation list. */
export function describeContent(content: MessageContent): string {
  switch (content.type) {
    case "text":
      return truncate(content.text);
    case "image":
    case "video":
    case "audio":
    case "file":
    case "sticker":
      return content.caption ? truncate(content.caption) : `[${content.type}]`;
    case "location":
      return `[location] ${content.name ?? `${content.latitude}, ${content.longitude}`}`;
    case "story_mention":
      return "[mentioned you in a story]";
    case "story_reply":
      return truncate(`[story reply] ${content.text ?? ""}`);
    case "share":
      return truncate(`[shared] ${content.title ?? content.url ?? ""}`);
    case "contacts":
      return `[contact] ${content.contacts.map((c) => c.name).join(", ")}`;
    case "interactive":
      return truncate(content.reply.title);
    case "reaction":
      return content.emoji ? `[reacted ${content.emoji}]` : "[removed a reaction]";
    case "template":
      return truncate(content.text ?? `[template ${content.name}]`);
    case "unsupported":
      return truncate(content.text ?? `[${content.providerType} message]`);
  }
}

function truncate(text: string) {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > PREVIEW_LENGTH ? `${line.slice(0, PREVIEW_LENGTH - 1)}…` : line;
}
