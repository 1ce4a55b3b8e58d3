import "server-only";
import { z } from "zod";
import { buildGraphUrl } from "@/lib/channels/config";
import { requestProvider } from "@/lib/channels/http";
import { classifyGraphError, ProviderError } from "@/lib/channels/provider-error";
import type { OutboundMessage, SendResult } from "@/lib/channels/types";
import { buildInstagramMessage, type InstagramSendCredentials } from "./send";

// Answers to comments under the account's posts (comment-to-DM rules, issue 6 §5):
// - a public reply: POST /{ig-comment-id}/replies with `message` (IG Comment Replies reference;
//   only top-level comments can be replied to, a reply to a reply lands on the top-level one);
// - a private reply: the Send API with `recipient: { comment_id }` instead of an IGSID (Instagram
//   Messaging "Private Replies"): ONE message per comment, within 7 days of it; the person must
//   answer before the business can write again (the 24-hour window is not opened by a comment).
// Both with the Page token (Facebook Login), in the Authorization header like every Graph call.

/** Graph error code for a second private reply to one comment ("Activity already replied to"). */
export const ALREADY_REPLIED_CODE = "10900";

/** Public comment replies are comments: Instagram allows 2,200 characters. */
export const COMMENT_REPLY_MAX_LENGTH = 2200;

export type ReplyToCommentOptions = {
  credentials: InstagramSendCredentials;
  commentId: string;
  text: string;
  timeoutMs?: number;
};

const replyResponseSchema = z.object({ id: z.string().min(1) });

/**
 * Posts a public reply under a comment and returns the new comment's id. Not idempotent: the
 * caller must make sure it runs once per comment. Throws ProviderError (classified Graph error;
 * permanent before any request when the text is empty or too long).
 */
export async function replyToInstagramComment({ credentials, commentId, text, timeoutMs }: ReplyToCommentOptions): Promise<{ id: string }> {
  if (!/^\d+$/.test(commentId)) invalid("This isn't an Instagram comment id");
  const length = [...text].length;
  if (text.trim() === "") invalid("The reply is empty");
  if (length > COMMENT_REPLY_MAX_LENGTH) invalid(`The reply is too long for an Instagram comment: ${length} characters, at most ${COMMENT_REPLY_MAX_LENGTH}`);
  const secrets = [credentials.accessToken];
  const response = await requestProvider({
    url: buildGraphUrl(`${commentId}/replies`),
    method: "POST",
    headers: { Authorization: `Bearer ${credentials.accessToken}` },
    json: { message: text },
    timeoutMs,
    secrets,
  });
  if (!response.ok) throw classifyGraphError({ status: response.status, body: response.body, headers: response.headers, secrets });
  const parsed = replyResponseSchema.safeParse(response.body);
  // Meta accepted it: never retry (that would post twice).
  if (!parsed.success) throw unexpected(response.status, "Instagram accepted the comment reply but answered in an unexpected format");
  return { id: parsed.data.id };
}

export type SendPrivateReplyOptions = {
  credentials: InstagramSendCredentials;
  commentId: string;
  message: OutboundMessage;
  timeoutMs?: number;
};

const privateReplyResponseSchema = z.object({ recipient_id: z.string().optional(), message_id: z.string().min(1) });

/**
 * Sends the private reply DM to a comment's author and returns its mid. Not idempotent; Meta
 * itself refuses a second private reply to one comment with code 10900 (ALREADY_REPLIED_CODE),
 * which callers treat as "done". Throws ProviderError.
 */
export async function sendInstagramPrivateReply({ credentials, commentId, message, timeoutMs }: SendPrivateReplyOptions): Promise<SendResult> {
  if (!/^\d+$/.test(commentId)) invalid("This isn't an Instagram comment id");
  const secrets = [credentials.accessToken];
  const response = await requestProvider({
    url: buildGraphUrl("me/messages"),
    method: "POST",
    headers: { Authorization: `Bearer ${credentials.accessToken}` },
    json: { recipient: { comment_id: commentId }, message: buildInstagramMessage(message) },
    timeoutMs,
    secrets,
  });
  if (!response.ok) throw classifyGraphError({ status: response.status, body: response.body, headers: response.headers, secrets });
  const parsed = privateReplyResponseSchema.safeParse(response.body);
  if (!parsed.success) throw unexpected(response.status, "Instagram accepted the private reply but answered in an unexpected format; check the conversation");
  return { externalId: parsed.data.message_id };
}

function unexpected(status: number, reason: string): ProviderError {
  return new ProviderError({ kind: "permanent", code: "unexpected_response", reason, httpStatus: status });
}

function invalid(reason: string): never {
  throw new ProviderError({ kind: "permanent", code: "invalid_message", reason });
}
