import type { MessageContent, OutboundMessage } from "@/lib/channels/types";

/**
 * What an outbound message looks like in the thread (Message.content). The exact provider
 * request is rebuilt from `outbound`, kept beside it, so a retried send job sends the same thing.
 */
export function toStoredContent(message: OutboundMessage): MessageContent & { outbound: OutboundMessage } {
  switch (message.type) {
    case "text":
      return { type: "text", text: message.text, outbound: message };
    case "media":
      return { type: message.media, url: message.url, caption: message.caption, filename: message.filename, mimeType: message.mimeType, outbound: message };
    case "quick_replies":
    case "buttons":
    case "list":
      return { type: "text", text: message.text, outbound: message };
    case "template":
      return { type: "template", name: message.name, language: message.language, components: message.components, text: message.text, outbound: message };
  }
}
