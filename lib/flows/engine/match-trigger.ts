import type { BlockOfType, TriggerBlock } from "@/lib/flows/definition/block-schema";
import { KEYWORD_MATCH_KINDS } from "@/lib/flows/definition/block-schema";
import { detectOptIn, detectOptOut } from "./detect-opt-out";
import type { StartEvent, TriggerContext } from "./engine-types";
import { type KeywordHit, matchKeyword } from "./match-keyword";
import type { SessionState } from "./session-state";

/**
 * An inbound event as trigger matching sees it (see toTriggerEvent). `isNewConversation`: this
 * is the first inbound message of the conversation.
 */
export type TriggerEvent =
  | { kind: "message"; text: string | null; payload: string | null; isNewConversation: boolean }
  | { kind: "story_reply"; text: string | null; isNewConversation: boolean }
  | { kind: "story_mention"; isNewConversation: boolean }
  | { kind: "comment"; commentId: string; mediaId: string; text: string; isReply: boolean; username?: string };

/** The trigger of one active (published, not paused) flow version. */
export type ActiveTrigger = {
  flowId: string;
  versionId: string;
  /** Breaks ties between equally specific triggers (then flowId), so the winner is stable. */
  flowName: string;
  /** The version's settings.interruptible. */
  interruptible: boolean;
  block: TriggerBlock;
};

export type PrecedenceRule = "opt_out" | "waiting_session" | "comment" | "story" | "keyword" | "new_conversation" | "fallback";

/**
 * How one inbound event picks what runs, first rule that applies wins. Exported so the builder
 * can show it next to the interruptible setting.
 */
export const TRIGGER_PRECEDENCE: readonly { rule: PrecedenceRule; description: string }[] = [
  {
    rule: "opt_out",
    description:
      "A typed STOP, UNSUBSCRIBE, CANCEL, END, QUIT, OPT OUT (whole message) opts the contact out, whatever else is running. From a contact who opted out, a typed START, UNSTOP, SUBSCRIBE or OPT IN opts them back in (with a confirmation) and nothing else runs for that message.",
  },
  {
    rule: "waiting_session",
    description:
      "While a flow runs for the contact, a trigger of another flow for this event (a keyword; for a comment or story, that trigger) takes over only if the running flow is interruptible. Otherwise a flow waiting for an answer takes the message as the answer, and a flow waiting for a delay or an HTTP call lets it pass unanswered.",
  },
  { rule: "comment", description: "An Instagram comment starts a comment-trigger flow: chosen posts before any post, a keyword filter before none. Comments never start keyword, new conversation or fallback flows." },
  { rule: "story", description: "A story reply or mention starts a story-trigger flow (a keyword filter before none); a story reply that matches none goes on to keyword triggers." },
  { rule: "keyword", description: "Keyword triggers on the text or tapped button: exact before starts with before contains before regex; ties by flow name, then flow id." },
  { rule: "new_conversation", description: "The first message of a new conversation starts the new-conversation flow." },
  { rule: "fallback", description: "A message (or story reply) nothing else answered starts the fallback flow." },
];

export type MatchTriggerOptions = {
  event: TriggerEvent;
  triggers: ActiveTrigger[];
  /** The contact's session on this channel, with its version's settings.interruptible. */
  session: { state: SessionState; interruptible: boolean } | null;
  /** The contact opted out (STOP): only then does START / UNSTOP / SUBSCRIBE mean opting back in. */
  optedOut?: boolean;
};

export type TriggerDecision =
  | { kind: "opt_out"; keyword: string }
  /** An opted-out contact asked to be messaged again. */
  | { kind: "opt_in"; keyword: string }
  /** Feed the message to the session as a reply event. */
  | { kind: "continue"; rule: "waiting_session" }
  /** Run advance with `event`; `interrupts` is the session it replaces (advance ends it first). */
  | { kind: "start"; rule: PrecedenceRule; event: StartEvent; interrupts: SessionState | null }
  | { kind: "none"; reason: "session_busy" | "no_match" };

type Candidate = { trigger: ActiveTrigger; rule: PrecedenceRule; rank: number[]; context: TriggerContext };

/**
 * Decides what an inbound event does: opt out, continue the waiting session, start a flow, or
 * nothing (see TRIGGER_PRECEDENCE). Pure; the runner applies the decision. Tapped buttons are
 * matched by payload and title against keywords but never count as an opt-out or opt-in.
 */
export function matchTrigger({ event, triggers, session, optedOut = false }: MatchTriggerOptions): TriggerDecision {
  const typed = event.kind === "message" && event.payload === null ? event.text : event.kind === "story_reply" ? event.text : null;
  const optOut = typed === null ? null : detectOptOut(typed);
  if (optOut !== null) return { kind: "opt_out", keyword: optOut };
  const optIn = typed === null || !optedOut ? null : detectOptIn(typed);
  if (optIn !== null) return { kind: "opt_in", keyword: optIn };

  const live = session?.state.waitingFor ? session : null;
  if (live) {
    const others = triggers.filter((trigger) => trigger.flowId !== live.state.flowId);
    const takeover = best(specificCandidates({ event, triggers: others }));
    if (takeover && live.interruptible) return start(takeover, live.state);
    const isReply = event.kind === "message" || event.kind === "story_reply";
    if (isReply && live.state.waitingFor?.kind === "reply") return { kind: "continue", rule: "waiting_session" };
    return { kind: "none", reason: "session_busy" };
  }

  const chosen = best(specificCandidates({ event, triggers })) ?? best(generalCandidates({ event, triggers }));
  return chosen ? start(chosen, null) : { kind: "none", reason: "no_match" };
}

type CandidatesOptions = { event: TriggerEvent; triggers: ActiveTrigger[] };

/**
 * Triggers aimed at this very event: comment / story triggers for their events, keyword
 * triggers for messages and story replies. Only these may interrupt a running flow. Ranks
 * compare lexicographically: rule first, then the rule's own specificity.
 */
function specificCandidates({ event, triggers }: CandidatesOptions): Candidate[] {
  const found: Candidate[] = [];
  for (const trigger of triggers) {
    const block = trigger.block;
    if (event.kind === "comment" && block.type === "instagram_comment") {
      const hit = commentHit(block, event);
      if (hit === false) continue;
      const comment = { id: event.commentId, mediaId: event.mediaId, text: event.text, username: event.username };
      const rank = [0, block.data.posts.mode === "selected" ? 0 : 1, hit ? keywordRank(hit) : KEYWORD_MATCH_KINDS.length];
      found.push({ trigger, rule: "comment", rank, context: { text: event.text, keyword: hit?.keyword, comment } });
    } else if (event.kind === "story_mention" && block.type === "story_mention") {
      found.push({ trigger, rule: "story", rank: [1], context: {} });
    } else if (event.kind === "story_reply" && block.type === "story_reply") {
      const hit = block.data.keywords ? matchKeyword({ matcher: block.data.keywords, text: event.text ?? "" }) : null;
      if (block.data.keywords && !hit) continue;
      found.push({ trigger, rule: "story", rank: [1, hit ? keywordRank(hit) : KEYWORD_MATCH_KINDS.length], context: { text: event.text ?? undefined, keyword: hit?.keyword } });
    }
  }
  if (found.length > 0 || (event.kind !== "message" && event.kind !== "story_reply")) return found;
  const texts = event.kind === "message" ? [event.text, event.payload] : [event.text];
  for (const trigger of triggers) {
    if (trigger.block.type !== "keyword") continue;
    const matcher = trigger.block.data;
    const hits = texts.flatMap((text) => (text ? [matchKeyword({ matcher, text })] : [])).filter((hit) => hit !== null);
    const hit = hits.sort((a, b) => keywordRank(a) - keywordRank(b))[0];
    if (!hit) continue;
    const context: TriggerContext = { text: event.text ?? undefined, keyword: hit.keyword };
    if (event.kind === "message" && event.payload !== null) context.payload = event.payload;
    found.push({ trigger, rule: "keyword", rank: [2, keywordRank(hit)], context });
  }
  return found;
}

/** new_conversation, then fallback: the triggers that answer anything, never interrupting. */
function generalCandidates({ event, triggers }: CandidatesOptions): Candidate[] {
  if (event.kind === "comment") return [];
  const found: Candidate[] = [];
  const text = event.kind === "story_mention" ? undefined : (event.text ?? undefined);
  for (const trigger of triggers) {
    if (trigger.block.type === "new_conversation" && event.isNewConversation) {
      found.push({ trigger, rule: "new_conversation", rank: [3], context: { text } });
    } else if (trigger.block.type === "fallback" && event.kind !== "story_mention") {
      found.push({ trigger, rule: "fallback", rank: [4], context: { text } });
    }
  }
  return found;
}

/** A keyword hit, null when the trigger has no keyword filter, false when the comment does not qualify. */
function commentHit(block: BlockOfType<"instagram_comment">, event: Extract<TriggerEvent, { kind: "comment" }>): KeywordHit | null | false {
  const { posts, keywords, includeReplies } = block.data;
  if (event.isReply && !includeReplies) return false;
  if (posts.mode === "selected" && !posts.mediaIds.includes(event.mediaId)) return false;
  if (!keywords) return null;
  return matchKeyword({ matcher: keywords, text: event.text }) ?? false;
}

function keywordRank(hit: KeywordHit): number {
  return KEYWORD_MATCH_KINDS.indexOf(hit.kind);
}

/** The most specific candidate; equal ranks fall back to flow name, flow id and block id (code-unit order, locale-independent). */
function best(candidates: Candidate[]): Candidate | null {
  const sorted = [...candidates].sort((a, b) => compareRanks(a.rank, b.rank) || compareText(a.trigger.flowName, b.trigger.flowName) || compareText(a.trigger.flowId, b.trigger.flowId) || compareText(a.trigger.block.id, b.trigger.block.id));
  return sorted[0] ?? null;
}

function compareRanks(a: number[], b: number[]): number {
  for (let index = 0; index < Math.max(a.length, b.length); index += 1) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function start(candidate: Candidate, interrupts: SessionState | null): TriggerDecision {
  const { trigger, rule, context } = candidate;
  const event: StartEvent = { type: "start", flowId: trigger.flowId, versionId: trigger.versionId, triggerBlockId: trigger.block.id, trigger: withoutUndefined(context) };
  return { kind: "start", rule, event, interrupts };
}

function withoutUndefined(context: TriggerContext): TriggerContext {
  const clean: TriggerContext = {};
  if (context.text !== undefined) clean.text = context.text;
  if (context.payload !== undefined) clean.payload = context.payload;
  if (context.keyword !== undefined) clean.keyword = context.keyword;
  if (context.comment !== undefined) {
    const { username, ...comment } = context.comment;
    clean.comment = username === undefined ? comment : { ...comment, username };
  }
  return clean;
}
