import { toKeywordForm } from "@/lib/flows/definition/normalize-text";

/**
 * Whole messages that mean "stop messaging me", compared after toKeywordForm (so "STOP!",
 * "Opt-out" and "unsubscribe." count). The list follows the carriers' standard opt-out words
 * that Twilio also honours (STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT) plus common
 * variants. Only a message that is exactly one of these counts: "I can't stop laughing" or
 * "cancel my order" do not.
 */
export const OPT_OUT_KEYWORDS = ["stop", "stopall", "stop all", "unsubscribe", "cancel", "end", "quit", "opt out", "optout", "revoke"] as const;

/** Sent after opting a contact out when the workspace sets no text of its own. */
export const OPT_OUT_CONFIRMATION = "You have been unsubscribed and will not receive more automated messages. Write to us any time if you need help.";

const keywords: ReadonlySet<string> = new Set(OPT_OUT_KEYWORDS);

/** The opt-out keyword a typed message is, or null. Tapped buttons never count (their title could be "Cancel"). */
export function detectOptOut(text: string): string | null {
  if (text.length > 40) return null;
  const form = toKeywordForm(text);
  return keywords.has(form) ? form : null;
}
