import type { OutboundMessage } from "@/lib/channels/types";
import type { ReplyOptions } from "@/lib/flows/definition/message-schema";

export type ToOutboundMessageOptions = { text: string; replies?: ReplyOptions };

/** A rendered text with its optional tappable options, as the channel adapters send it. */
export function toOutboundMessage({ text, replies }: ToOutboundMessageOptions): OutboundMessage {
  if (!replies) return { type: "text", text };
  const options = replies.options.map(({ id, title }) => ({ id, title }));
  switch (replies.style) {
    case "quick_replies":
      return { type: "quick_replies", text, options };
    case "buttons":
      return { type: "buttons", text, buttons: options };
    case "list": {
      const buttonText = replies.buttonText ?? "Options";
      const rows = replies.options.map(({ id, title, description }) => (description ? { id, title, description } : { id, title }));
      // One section, titled like the button: WhatsApp requires a title only with several sections.
      return { type: "list", text, buttonText, sections: [{ title: buttonText, rows }] };
    }
  }
}
