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

/**
 * Whole messages that mean "message me again" from a contact who opted out: the carriers' and
 * Twilio's standard opt-in words (START, UNSTOP, YES is left out: it answers too many questions)
 * plus SUBSCRIBE variants, compared after toKeywordForm (case, accents and punctuation ignored:
 * "Start!", "ÚNSTOP", "subscribe." count). Only meaningful while the contact is opted out: for
 * everyone else "start" is an ordinary message (a keyword trigger may use it).
 */
export const OPT_IN_KEYWORDS = ["start", "unstop", "subscribe", "resubscribe", "opt in", "optin"] as const;

/** Sent after opting a contact back in. */
export const OPT_IN_CONFIRMATION = "You are subscribed again and may receive automated messages from us. Reply STOP at any time to unsubscribe.";

const optInKeywords: ReadonlySet<string> = new Set(OPT_IN_KEYWORDS);

/** The opt-in keyword a typed message is, or null (same rules as detectOptOut). */
export function detectOptIn(text: string): string | null {
  if (text.length > 40) return null;
  const form = toKeywordForm(text);
  return optInKeywords.has(form) ? form : null;
}
