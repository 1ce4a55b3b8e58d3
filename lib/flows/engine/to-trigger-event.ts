import type { InternalEvent } from "@/lib/channels/types";
import type { TriggerEvent } from "./match-trigger";
import { messageText } from "./message-text";

export type ToTriggerEventOptions = {
  event: InternalEvent;
  /** Ingestion created the conversation for this message. */
  isNewConversation: boolean;
};

/**
 * The part of an ingested event that trigger matching needs, or null for events that never
 * drive a flow (echoes, statuses, reactions, reads, deletions, template updates) and for
 * comments written by the business account itself: our own public replies come back as
 * comment webhooks and must not trigger the flow that wrote them.
 */
export function toTriggerEvent({ event, isNewConversation }: ToTriggerEventOptions): TriggerEvent | null {
  if (event.kind === "comment") {
    if (event.from.id === event.accountId) return null;
    return { kind: "comment", commentId: event.commentId, mediaId: event.mediaId, text: event.text, isReply: event.parentId !== undefined, username: event.from.username };
  }
  if (event.kind !== "message") return null;
  const { content } = event;
  if (content.type === "story_mention") return { kind: "story_mention", isNewConversation };
  if (content.type === "story_reply") return { kind: "story_reply", text: content.text ?? null, isNewConversation };
  const { text, payload } = messageText(content);
  return { kind: "message", text, payload, isNewConversation };
}
