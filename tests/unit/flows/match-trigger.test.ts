import { describe, expect, it } from "vitest";
import type { InternalEvent } from "@/lib/channels/types";
import type { TriggerBlock } from "@/lib/flows/definition/block-schema";
import { isTriggerBlock } from "@/lib/flows/definition/block-schema";
import type { SessionState } from "@/lib/flows/engine/session-state";
import { type ActiveTrigger, TRIGGER_PRECEDENCE, type TriggerEvent, matchTrigger } from "@/lib/flows/engine/match-trigger";
import { OPT_OUT_KEYWORDS } from "@/lib/flows/engine/detect-opt-out";
import { toTriggerEvent } from "@/lib/flows/engine/to-trigger-event";
import { block, flow } from "./flow-fixtures";

function trigger(flowId: string, type: TriggerBlock["type"], data: Record<string, unknown> = {}, options: { flowName?: string; interruptible?: boolean } = {}): ActiveTrigger {
  const definition = flow([block(`${flowId}_trigger`, type, data)], []);
  const parsed = definition.blocks[0];
  if (!isTriggerBlock(parsed)) throw new Error("not a trigger");
  return { flowId, versionId: `${flowId}_v1`, flowName: options.flowName ?? flowId, interruptible: options.interruptible ?? true, block: parsed };
}

const keyword = (flowId: string, match: string, keywords: string[], flowName?: string) => trigger(flowId, "keyword", { match, keywords }, { flowName });
const message = (text: string | null, extra: Partial<Extract<TriggerEvent, { kind: "message" }>> = {}): TriggerEvent => ({ kind: "message", text, payload: null, isNewConversation: false, ...extra });
const comment = (text: string, mediaId = "post_1", isReply = false): TriggerEvent => ({ kind: "comment", commentId: "c_1", mediaId, text, isReply, username: "ana" });

function session(flowId: string, waitingFor: SessionState["waitingFor"]): SessionState {
  return { flowId, versionId: `${flowId}_v1`, currentBlockId: waitingFor?.blockId ?? null, waitingFor, variables: {}, stepsTaken: 3 };
}
const waitingReply = (flowId: string) => session(flowId, { kind: "reply", blockId: "q", attempts: 0, timeoutAt: null });

function startedFlow(decision: ReturnType<typeof matchTrigger>): string | null {
  return decision.kind === "start" ? decision.event.flowId : null;
}

describe("matchTrigger", () => {
  const everyday = [
    keyword("kw_price", "contains", ["price", "precio"]),
    trigger("new", "new_conversation"),
    trigger("fallback", "fallback"),
    trigger("comments", "instagram_comment", { posts: { mode: "any" } }),
    trigger("mentions", "story_mention"),
    trigger("story_replies", "story_reply"),
  ];

  it("starts a keyword flow with the start event ready for advance", () => {
    expect(matchTrigger({ event: message("Précio?"), triggers: everyday, session: null })).toEqual({
      kind: "start",
      rule: "keyword",
      interrupts: null,
      event: { type: "start", flowId: "kw_price", versionId: "kw_price_v1", triggerBlockId: "kw_price_trigger", trigger: { text: "Précio?", keyword: "precio" } },
    });
  });

  it("matches a tapped button's payload against keywords", () => {
    const decision = matchTrigger({ event: message("See prices", { payload: "PRICE" }), triggers: [keyword("kw", "exact", ["price"])], session: null });
    expect(decision).toMatchObject({ kind: "start", event: { trigger: { payload: "PRICE", keyword: "price" } } });
  });

  it("orders keyword matches exact, then starts_with, then contains, then regex", () => {
    const triggers = [keyword("a_regex", "regex", ["^price"]), keyword("b_contains", "contains", ["price"]), keyword("c_starts", "starts_with", ["price"]), keyword("d_exact", "exact", ["price"])];
    expect(startedFlow(matchTrigger({ event: message("price"), triggers, session: null }))).toBe("d_exact");
    expect(startedFlow(matchTrigger({ event: message("price list"), triggers, session: null }))).toBe("c_starts");
    expect(startedFlow(matchTrigger({ event: message("the price"), triggers, session: null }))).toBe("b_contains");
    expect(startedFlow(matchTrigger({ event: message("prices"), triggers: [keyword("a_regex", "regex", ["^price"]), keyword("b_contains", "contains", ["price"])], session: null }))).toBe("a_regex");
  });

  it("breaks ties by flow name, then flow id, whatever the input order", () => {
    const zebra = keyword("f1", "contains", ["price"], "Zebra");
    const alpha = keyword("f2", "contains", ["price"], "Alpha");
    const alphaToo = keyword("f0", "contains", ["price"], "Alpha");
    expect(startedFlow(matchTrigger({ event: message("price"), triggers: [zebra, alpha, alphaToo], session: null }))).toBe("f0");
    expect(startedFlow(matchTrigger({ event: message("price"), triggers: [alphaToo, alpha, zebra], session: null }))).toBe("f0");
  });

  it("falls back to new_conversation, then fallback", () => {
    expect(matchTrigger({ event: message("hello", { isNewConversation: true }), triggers: everyday, session: null })).toMatchObject({ kind: "start", rule: "new_conversation" });
    expect(matchTrigger({ event: message("hello"), triggers: everyday, session: null })).toMatchObject({ kind: "start", rule: "fallback", event: { flowId: "fallback" } });
    expect(matchTrigger({ event: message(null), triggers: everyday, session: null })).toMatchObject({ kind: "start", rule: "fallback" });
    expect(matchTrigger({ event: message("hello"), triggers: [everyday[0]], session: null })).toEqual({ kind: "none", reason: "no_match" });
  });

  it("prefers a keyword over new_conversation on a first message", () => {
    expect(startedFlow(matchTrigger({ event: message("price", { isNewConversation: true }), triggers: everyday, session: null }))).toBe("kw_price");
  });

  describe("comments", () => {
    const selected = trigger("on_post", "instagram_comment", { posts: { mode: "selected", mediaIds: ["post_1"] } });
    const anyWithKeyword = trigger("any_info", "instagram_comment", { posts: { mode: "any" }, keywords: { match: "contains", keywords: ["info"] } });
    const anyPost = trigger("any", "instagram_comment", { posts: { mode: "any" } });

    it("starts the comment flow with the comment in the trigger context", () => {
      expect(matchTrigger({ event: comment("Info please"), triggers: [anyPost], session: null })).toMatchObject({
        kind: "start",
        rule: "comment",
        event: { flowId: "any", trigger: { text: "Info please", comment: { id: "c_1", mediaId: "post_1", text: "Info please", username: "ana" } } },
      });
    });

    it("prefers chosen posts, then a keyword filter, then any post", () => {
      const triggers = [anyPost, anyWithKeyword, selected];
      expect(startedFlow(matchTrigger({ event: comment("info"), triggers, session: null }))).toBe("on_post");
      expect(startedFlow(matchTrigger({ event: comment("info", "post_2"), triggers, session: null }))).toBe("any_info");
      expect(startedFlow(matchTrigger({ event: comment("nice", "post_2"), triggers, session: null }))).toBe("any");
    });

    it("ignores comments on other posts, not matching the filter, or replies in a thread unless asked", () => {
      expect(matchTrigger({ event: comment("info", "post_9"), triggers: [selected], session: null })).toEqual({ kind: "none", reason: "no_match" });
      expect(matchTrigger({ event: comment("nice"), triggers: [anyWithKeyword], session: null })).toEqual({ kind: "none", reason: "no_match" });
      expect(matchTrigger({ event: comment("info", "post_1", true), triggers: [anyPost], session: null })).toEqual({ kind: "none", reason: "no_match" });
      const withReplies = trigger("threads", "instagram_comment", { posts: { mode: "any" }, includeReplies: true });
      expect(startedFlow(matchTrigger({ event: comment("info", "post_1", true), triggers: [withReplies], session: null }))).toBe("threads");
    });

    it("never starts keyword, new conversation or fallback flows from a comment", () => {
      expect(matchTrigger({ event: comment("price"), triggers: [everyday[0], everyday[1], everyday[2]], session: null })).toEqual({ kind: "none", reason: "no_match" });
    });
  });

  describe("stories", () => {
    it("starts story mention and story reply flows", () => {
      expect(matchTrigger({ event: { kind: "story_mention", isNewConversation: false }, triggers: everyday, session: null })).toMatchObject({ kind: "start", rule: "story", event: { flowId: "mentions" } });
      expect(matchTrigger({ event: { kind: "story_reply", text: "love it", isNewConversation: false }, triggers: everyday, session: null })).toMatchObject({ kind: "start", rule: "story", event: { flowId: "story_replies" } });
    });

    it("sends a story reply matching no story trigger on to keyword triggers, then fallback", () => {
      const triggers = [trigger("filtered", "story_reply", { keywords: { match: "contains", keywords: ["discount"] } }), everyday[0], everyday[2]];
      expect(startedFlow(matchTrigger({ event: { kind: "story_reply", text: "I want the discount", isNewConversation: false }, triggers, session: null }))).toBe("filtered");
      expect(startedFlow(matchTrigger({ event: { kind: "story_reply", text: "price?", isNewConversation: false }, triggers, session: null }))).toBe("kw_price");
      expect(startedFlow(matchTrigger({ event: { kind: "story_reply", text: "wow", isNewConversation: false }, triggers, session: null }))).toBe("fallback");
    });

    it("does not answer a story mention with the fallback flow", () => {
      expect(matchTrigger({ event: { kind: "story_mention", isNewConversation: false }, triggers: [everyday[2]], session: null })).toEqual({ kind: "none", reason: "no_match" });
    });
  });

  describe("a running session", () => {
    const survey = waitingReply("survey");

    it("takes the reply when no other flow's keyword matches", () => {
      expect(matchTrigger({ event: message("blue"), triggers: everyday, session: { state: survey, interruptible: true } })).toEqual({ kind: "continue", rule: "waiting_session" });
    });

    it("lets another flow's keyword interrupt an interruptible session", () => {
      const decision = matchTrigger({ event: message("price"), triggers: everyday, session: { state: survey, interruptible: true } });
      expect(decision).toMatchObject({ kind: "start", rule: "keyword", event: { flowId: "kw_price" }, interrupts: survey });
    });

    it("keeps a non-interruptible session: the keyword becomes its answer", () => {
      expect(matchTrigger({ event: message("price"), triggers: everyday, session: { state: survey, interruptible: false } })).toEqual({ kind: "continue", rule: "waiting_session" });
    });

    it("does not let the session's own keyword restart it", () => {
      const own = keyword("survey", "exact", ["survey"]);
      expect(matchTrigger({ event: message("survey"), triggers: [own], session: { state: survey, interruptible: true } })).toEqual({ kind: "continue", rule: "waiting_session" });
    });

    it("never lets new_conversation or fallback interrupt", () => {
      expect(matchTrigger({ event: message("hello", { isNewConversation: true }), triggers: [everyday[1], everyday[2]], session: { state: survey, interruptible: true } })).toEqual({ kind: "continue", rule: "waiting_session" });
    });

    it("lets a message pass unanswered during a delay or an HTTP call, unless a keyword interrupts", () => {
      for (const waitingFor of [{ kind: "delay", blockId: "d", until: "2026-05-05T00:00:00.000Z" }, { kind: "http", blockId: "h" }] as const) {
        const state = session("drip", waitingFor);
        expect(matchTrigger({ event: message("hello"), triggers: everyday, session: { state, interruptible: true } })).toEqual({ kind: "none", reason: "session_busy" });
        expect(startedFlow(matchTrigger({ event: message("price"), triggers: everyday, session: { state, interruptible: true } }))).toBe("kw_price");
        expect(matchTrigger({ event: message("price"), triggers: everyday, session: { state, interruptible: false } })).toEqual({ kind: "none", reason: "session_busy" });
      }
    });

    it("lets a comment trigger take over an interruptible session only", () => {
      expect(startedFlow(matchTrigger({ event: comment("info"), triggers: everyday, session: { state: survey, interruptible: true } }))).toBe("comments");
      expect(matchTrigger({ event: comment("info"), triggers: everyday, session: { state: survey, interruptible: false } })).toEqual({ kind: "none", reason: "session_busy" });
    });

    it("treats a session that waits for nothing as no session", () => {
      expect(startedFlow(matchTrigger({ event: message("hello"), triggers: everyday, session: { state: session("done", null), interruptible: false } }))).toBe("fallback");
    });
  });

  describe("opt-out", () => {
    it.each(["STOP", "stop!", "Unsubscribe.", "cancel", "Opt-out", "opt out", "QUIT", "end", "StopAll"])("opts out on %j before anything else, even mid-session", (text) => {
      const decision = matchTrigger({ event: message(text), triggers: [keyword("kw", "contains", ["stop", "end", "cancel"])], session: { state: waitingReply("survey"), interruptible: false } });
      expect(decision.kind).toBe("opt_out");
    });

    it.each(["please stop spamming", "can't stop", "cancel my order", "the end"])("does not opt out on %j", (text) => {
      expect(matchTrigger({ event: message(text), triggers: [], session: null }).kind).not.toBe("opt_out");
    });

    it("does not opt out on a tapped button titled Cancel", () => {
      expect(matchTrigger({ event: message("Cancel", { payload: "cancel_order" }), triggers: [], session: { state: waitingReply("order"), interruptible: true } })).toEqual({ kind: "continue", rule: "waiting_session" });
    });

    it("documents its list", () => {
      expect(OPT_OUT_KEYWORDS).toEqual(expect.arrayContaining(["stop", "unsubscribe", "cancel", "quit", "end", "opt out"]));
      expect(TRIGGER_PRECEDENCE.map((entry) => entry.rule)).toEqual(["opt_out", "waiting_session", "comment", "story", "keyword", "new_conversation", "fallback"]);
    });
  });
});

describe("toTriggerEvent", () => {
  const base = { accountId: "ig_1", timestamp: new Date("2026-05-04T12:00:00Z") };
  const contact = { externalId: "igsid_1" };

  it("turns messages, taps, story replies and mentions into trigger events", () => {
    const msg = (content: Extract<InternalEvent, { kind: "message" }>["content"]): InternalEvent => ({ ...base, kind: "message", externalId: "m1", contact, content });
    expect(toTriggerEvent({ event: msg({ type: "text", text: "hi" }), isNewConversation: true })).toEqual({ kind: "message", text: "hi", payload: null, isNewConversation: true });
    expect(toTriggerEvent({ event: msg({ type: "interactive", reply: { kind: "quick_reply", id: "PRICE", title: "Prices" } }), isNewConversation: false })).toEqual({ kind: "message", text: "Prices", payload: "PRICE", isNewConversation: false });
    expect(toTriggerEvent({ event: msg({ type: "story_reply", text: "wow" }), isNewConversation: false })).toEqual({ kind: "story_reply", text: "wow", isNewConversation: false });
    expect(toTriggerEvent({ event: msg({ type: "story_mention", url: "https://x" }), isNewConversation: false })).toEqual({ kind: "story_mention", isNewConversation: false });
    expect(toTriggerEvent({ event: msg({ type: "image", url: "https://x" }), isNewConversation: false })).toEqual({ kind: "message", text: null, payload: null, isNewConversation: false });
  });

  it("turns comments into trigger events, except the business's own", () => {
    const event = (fromId: string, parentId?: string): InternalEvent => ({ ...base, kind: "comment", commentId: "c1", mediaId: "p1", text: "info", from: { id: fromId, username: "ana" }, ...(parentId ? { parentId } : {}) });
    expect(toTriggerEvent({ event: event("igsid_1"), isNewConversation: false })).toEqual({ kind: "comment", commentId: "c1", mediaId: "p1", text: "info", isReply: false, username: "ana" });
    expect(toTriggerEvent({ event: event("igsid_1", "c0"), isNewConversation: false })).toMatchObject({ isReply: true });
    expect(toTriggerEvent({ event: event("ig_1"), isNewConversation: false })).toBeNull();
  });

  it("ignores echoes and statuses", () => {
    expect(toTriggerEvent({ event: { ...base, kind: "echo", externalId: "m", contact, content: { type: "text", text: "price" } }, isNewConversation: false })).toBeNull();
    expect(toTriggerEvent({ event: { ...base, kind: "status", externalId: "m", status: "read" }, isNewConversation: false })).toBeNull();
  });
});
