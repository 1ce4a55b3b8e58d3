import { describe, expect, it } from "vitest";
import type { MessageContent } from "@/lib/channels/types";
import type { FlowDefinition } from "@/lib/flows/definition/flow-definition-schema";
import type { ContactSnapshot, EngineAction, EngineEvent, StartEvent } from "@/lib/flows/engine/engine-types";
import { sessionStateSchema, type SessionState } from "@/lib/flows/engine/session-state";
import { ENGINE_LIMITS, advance } from "@/lib/flows/engine/step";
import { NOW, block, chain, contact, context, edge, flow, text } from "./flow-fixtures";

const keywordTrigger = block("t", "keyword", { match: "contains", keywords: ["hi"] });
const startEvent = (extra: Partial<StartEvent> = {}): StartEvent => ({ type: "start", flowId: "f1", versionId: "v1", triggerBlockId: "t", ...extra });
const textReply = (value: string): EngineEvent => ({ type: "reply", message: { type: "text", text: value } });

type Step = { definition: FlowDefinition; session?: SessionState | null; event?: EngineEvent; now?: Date; contact?: ContactSnapshot };
function step({ definition, session = null, event = startEvent(), now = NOW, contact: who = contact() }: Step) {
  return advance({ definition, session, event, now, contact: who, context });
}

const ofType = <T extends EngineAction["type"]>(actions: EngineAction[], type: T) => actions.filter((action): action is Extract<EngineAction, { type: T }> => action.type === type);
const sent = (actions: EngineAction[]) => ofType(actions, "send_message").map((action) => action.message);
const visited = (actions: EngineAction[]) => ofType(actions, "visited").map((action) => action.blockId);
const endReason = (actions: EngineAction[]) => ofType(actions, "end").at(-1)?.reason;

describe("advance", () => {
  describe("send_message, tag, untag, set_attribute, end", () => {
    const definition = flow(
      [
        keywordTrigger,
        block("m1", "send_message", text("Hi {{contact.first_name|there}}! City: {{attributes.city|unknown}}")),
        block("tag", "tag", { tags: ["lead", "vip"] }),
        block("untag", "untag", { tags: ["cold"] }),
        block("set", "set_attribute", { operation: "set", attribute: "city", value: "Lisboa" }),
        block("clear", "set_attribute", { operation: "clear", attribute: "stale" }),
        block("m2", "send_message", text("Now in {{attributes.city}}")),
        block("img", "send_message", { kind: "media", media: "image", url: "https://cdn.example.com/a.png", caption: "For {{contact.name}}" }),
        block("end", "end"),
      ],
      chain("t", "m1", "tag", "untag", "set", "clear", "m2", "img", "end"),
    );

    it("runs consecutive blocks in one call and ends the session", () => {
      const { session, actions } = step({ definition, contact: contact({ tags: ["cold"], attributes: { stale: "x" } }) });
      expect(session).toBeNull();
      expect(actions).toEqual([
        { type: "visited", blockId: "t" },
        { type: "visited", blockId: "m1" },
        { type: "send_message", blockId: "m1", message: { type: "text", text: "Hi Ana! City: unknown" } },
        { type: "visited", blockId: "tag" },
        { type: "add_tag", blockId: "tag", tag: "lead" },
        { type: "add_tag", blockId: "tag", tag: "vip" },
        { type: "visited", blockId: "untag" },
        { type: "remove_tag", blockId: "untag", tag: "cold" },
        { type: "visited", blockId: "set" },
        { type: "set_attribute", blockId: "set", attribute: "city", value: "Lisboa" },
        { type: "visited", blockId: "clear" },
        { type: "set_attribute", blockId: "clear", attribute: "stale", value: null },
        { type: "visited", blockId: "m2" },
        // The attribute set two blocks earlier is visible before the runner has stored it.
        { type: "send_message", blockId: "m2", message: { type: "text", text: "Now in Lisboa" } },
        { type: "visited", blockId: "img" },
        { type: "send_message", blockId: "img", message: { type: "media", media: "image", url: "https://cdn.example.com/a.png", caption: "For Ana María Souza" } },
        { type: "visited", blockId: "end" },
        { type: "completed", flowId: "f1", versionId: "v1" },
        { type: "end", reason: "completed", flowId: "f1", versionId: "v1", blockId: "end" },
      ]);
    });

    it("is deterministic: the same input gives the same actions", () => {
      expect(step({ definition })).toEqual(step({ definition }));
    });

    it("completes when a block has no outgoing connection", () => {
      const short = flow([keywordTrigger, block("m", "send_message", text("Hello"))], chain("t", "m"));
      expect(endReason(step({ definition: short }).actions)).toBe("completed");
      expect(ofType(step({ definition: short }).actions, "completed")).toHaveLength(1);
    });
  });

  it("sends quick replies, buttons and lists as the adapters expect them", () => {
    const options = [{ id: "a", title: "A" }, { id: "b", title: "B", description: "Bee" }];
    const definition = flow(
      [
        keywordTrigger,
        block("q", "send_message", { kind: "text", text: "Pick", replies: { style: "quick_replies", options } }),
        block("b", "send_message", { kind: "text", text: "Pick", replies: { style: "buttons", options } }),
        block("l", "send_message", { kind: "text", text: "Pick", replies: { style: "list", buttonText: "Menu", options } }),
      ],
      chain("t", "q", "b", "l"),
    );
    expect(sent(step({ definition }).actions)).toEqual([
      { type: "quick_replies", text: "Pick", options: [{ id: "a", title: "A" }, { id: "b", title: "B" }] },
      { type: "buttons", text: "Pick", buttons: [{ id: "a", title: "A" }, { id: "b", title: "B" }] },
      { type: "list", text: "Pick", buttonText: "Menu", sections: [{ title: "Menu", rows: [{ id: "a", title: "A" }, { id: "b", title: "B", description: "Bee" }] }] },
    ]);
  });

  describe("ask_question", () => {
    const question = (data: Record<string, unknown> = {}) =>
      flow(
        [
          keywordTrigger,
          block("q", "ask_question", { prompt: "Your email?", validation: { kind: "email" }, saveTo: "email", maxRetries: 1, retryPrompt: "That is not an email, try again", timeout: { amount: 2, unit: "hours" }, ...data }),
          block("thanks", "send_message", text("Thanks, {{last_answer}}")),
          block("late", "send_message", text("Still there?")),
          block("bad", "send_message", text("Never mind")),
        ],
        [...chain("t", "q", "thanks"), edge("q", "late", "timeout"), edge("q", "bad", "invalid")],
      );

    it("asks, schedules the timeout and waits", () => {
      const { session, actions } = step({ definition: question() });
      expect(sent(actions)).toEqual([{ type: "text", text: "Your email?" }]);
      expect(ofType(actions, "schedule")).toEqual([{ type: "schedule", kind: "timeout", blockId: "q", at: "2026-05-04T14:00:00.000Z" }]);
      expect(session).toMatchObject({ currentBlockId: "q", waitingFor: { kind: "reply", blockId: "q", attempts: 0, timeoutAt: "2026-05-04T14:00:00.000Z" } });
    });

    it("saves a valid answer, cancels the timeout and continues", () => {
      const definition = question();
      const asked = step({ definition });
      const { session, actions } = step({ definition, session: asked.session, event: textReply(" ana@example.com ") });
      expect(session).toBeNull();
      expect(actions.slice(0, 2)).toEqual([
        { type: "cancel_schedule", kind: "timeout", blockId: "q" },
        { type: "set_attribute", blockId: "q", attribute: "email", value: "ana@example.com" },
      ]);
      expect(sent(actions)).toEqual([{ type: "text", text: "Thanks, ana@example.com" }]);
    });

    it("re-asks with the retry prompt, then takes the invalid branch", () => {
      const definition = question();
      const asked = step({ definition });
      const retry = step({ definition, session: asked.session, event: textReply("nope") });
      expect(sent(retry.actions)).toEqual([{ type: "text", text: "That is not an email, try again" }]);
      expect(retry.session?.waitingFor).toMatchObject({ kind: "reply", attempts: 1, timeoutAt: "2026-05-04T14:00:00.000Z" });
      const gaveUp = step({ definition, session: retry.session, event: textReply("still nope") });
      expect(gaveUp.actions[0]).toEqual({ type: "cancel_schedule", kind: "timeout", blockId: "q" });
      expect(sent(gaveUp.actions)).toEqual([{ type: "text", text: "Never mind" }]);
      expect(gaveUp.session).toBeNull();
    });

    it("re-asks then times out through the timeout branch", () => {
      const definition = question();
      const asked = step({ definition });
      const retry = step({ definition, session: asked.session, event: textReply("nope") });
      const timedOut = step({ definition, session: retry.session, event: { type: "timeout", blockId: "q" }, now: new Date("2026-05-04T14:00:00.000Z") });
      expect(visited(timedOut.actions)).toEqual(["late"]);
      expect(sent(timedOut.actions)).toEqual([{ type: "text", text: "Still there?" }]);
      expect(endReason(timedOut.actions)).toBe("completed");
    });

    it("ends with reason timeout or invalid_answer when those outputs are not connected", () => {
      const bare = flow([keywordTrigger, block("q", "ask_question", { prompt: "Age?", validation: { kind: "number" }, maxRetries: 0, timeout: { amount: 1, unit: "days" } })], chain("t", "q"));
      const asked = step({ definition: bare });
      expect(endReason(step({ definition: bare, session: asked.session, event: { type: "timeout", blockId: "q" }, now: new Date("2026-05-05T12:00:00.000Z") }).actions)).toBe("timeout");
      const invalid = step({ definition: bare, session: asked.session, event: textReply("old") });
      expect(endReason(invalid.actions)).toBe("invalid_answer");
      expect(ofType(invalid.actions, "completed")).toEqual([]);
    });

    it("ignores a stale timeout: another block, or fired before its time", () => {
      const definition = question();
      const asked = step({ definition });
      expect(step({ definition, session: asked.session, event: { type: "timeout", blockId: "other" } })).toEqual({ session: asked.session, actions: [] });
      expect(step({ definition, session: asked.session, event: { type: "timeout", blockId: "q" }, now: new Date("2026-05-04T13:00:00.000Z") })).toEqual({ session: asked.session, actions: [] });
    });

    it("branches on the chosen option, by payload, title or position, and sends the options with the prompt", () => {
      const replies = { style: "buttons", options: [{ id: "s", title: "Small" }, { id: "l", title: "Large" }, { id: "x", title: "Extra" }] };
      const definition = flow(
        [keywordTrigger, block("q", "ask_question", { prompt: "Size?", validation: { kind: "choice", replies }, saveTo: "size" }), block("small", "send_message", text("small")), block("other", "send_message", text("other: {{last_answer}}"))],
        [...chain("t", "q"), edge("q", "small", "option:s"), edge("q", "other")],
      );
      const asked = step({ definition });
      expect(sent(asked.actions)).toEqual([{ type: "buttons", text: "Size?", buttons: replies.options }]);
      const answers: [MessageContent, string][] = [
        [{ type: "interactive", reply: { kind: "button", id: "s", title: "Small" } }, "small"],
        [{ type: "text", text: "SMALL!" }, "small"],
        [{ type: "text", text: "2" }, "other: Large"],
        [{ type: "text", text: "extra" }, "other: Extra"],
      ];
      for (const [message, reply] of answers) {
        const answered = step({ definition, session: asked.session, event: { type: "reply", message } });
        expect(sent(answered.actions).map((m) => (m.type === "text" ? m.text : m.type))).toEqual([reply]);
      }
      const wrong = step({ definition, session: asked.session, event: textReply("medium") });
      // Default retry: the prompt again, with its buttons.
      expect(sent(wrong.actions)).toEqual([{ type: "buttons", text: "Size?", buttons: replies.options }]);
    });

    it("treats a photo sent to a text question as invalid", () => {
      const definition = flow([keywordTrigger, block("q", "ask_question", { prompt: "Name?", validation: { kind: "text" } })], chain("t", "q"));
      const asked = step({ definition });
      const photo = step({ definition, session: asked.session, event: { type: "reply", message: { type: "image", url: "https://x/y.jpg" } } });
      expect(photo.session?.waitingFor).toMatchObject({ attempts: 1 });
    });
  });

  describe("condition", () => {
    const definition = flow(
      [
        keywordTrigger,
        block("c", "condition", {
          match: "all",
          rules: [
            { kind: "tag", operator: "has", tag: "VIP" },
            { kind: "attribute", attribute: "orders", operator: "gt", value: "2" },
            { kind: "channel", operator: "is", channels: ["whatsapp_cloud"] },
          ],
        }),
        block("yes", "send_message", text("yes")),
        block("no", "send_message", text("no")),
      ],
      [...chain("t", "c"), edge("c", "yes", "true"), edge("c", "no", "false")],
    );

    it("takes the true and false outputs", () => {
      expect(sent(step({ definition, contact: contact({ tags: ["vip"], attributes: { orders: 3 } }) }).actions)).toEqual([{ type: "text", text: "yes" }]);
      expect(sent(step({ definition, contact: contact({ tags: ["vip"], attributes: { orders: "1" } }) }).actions)).toEqual([{ type: "text", text: "no" }]);
    });

    it("ends when the taken output is not connected", () => {
      const half = flow([keywordTrigger, block("c", "condition", { match: "any", rules: [{ kind: "last_answer", operator: "is_set" }] }), block("yes", "send_message", text("yes"))], [...chain("t", "c"), edge("c", "yes", "true")]);
      const { actions, session } = step({ definition: half });
      expect(session).toBeNull();
      expect(sent(actions)).toEqual([]);
    });
  });

  describe("delay", () => {
    const definition = flow(
      [keywordTrigger, block("m", "send_message", text("one")), block("d", "delay", { duration: { amount: 3, unit: "days" } }), block("n", "send_message", text("two"))],
      chain("t", "m", "d", "n"),
    );

    it("schedules the delay and waits, then continues when it elapses", () => {
      const first = step({ definition });
      expect(ofType(first.actions, "schedule")).toEqual([{ type: "schedule", kind: "delay", blockId: "d", at: "2026-05-07T12:00:00.000Z" }]);
      expect(first.session?.waitingFor).toEqual({ kind: "delay", blockId: "d", until: "2026-05-07T12:00:00.000Z" });
      const later = step({ definition, session: first.session, event: { type: "delay_elapsed", blockId: "d" }, now: new Date("2026-05-07T12:00:01.000Z") });
      expect(sent(later.actions)).toEqual([{ type: "text", text: "two" }]);
      expect(later.session).toBeNull();
    });

    it("survives a JSON round trip of the session (the runner stores it)", () => {
      const first = step({ definition });
      const stored = sessionStateSchema.parse(JSON.parse(JSON.stringify(first.session)));
      expect(step({ definition, session: stored, event: { type: "delay_elapsed", blockId: "d" }, now: new Date("2026-05-07T12:00:00.000Z") }).session).toBeNull();
    });

    it("ignores a reply or an early delay_elapsed while waiting", () => {
      const first = step({ definition });
      expect(step({ definition, session: first.session, event: textReply("hello?") })).toEqual({ session: first.session, actions: [] });
      expect(step({ definition, session: first.session, event: { type: "delay_elapsed", blockId: "d" }, now: NOW })).toEqual({ session: first.session, actions: [] });
    });
  });

  describe("handoff", () => {
    it("sends the message, hands off and ends the flow", () => {
      const definition = flow([keywordTrigger, block("h", "handoff", { assigneeUserId: "user_7", note: "Wants a refund ({{contact.phone}})", message: "A teammate will answer shortly" })], chain("t", "h"));
      const { session, actions } = step({ definition, contact: contact({ phone: "+5511999" }) });
      expect(session).toBeNull();
      expect(actions.slice(2)).toEqual([
        { type: "send_message", blockId: "h", message: { type: "text", text: "A teammate will answer shortly" } },
        { type: "handoff", blockId: "h", assigneeUserId: "user_7", pauseBot: true, note: "Wants a refund (+5511999)" },
        { type: "completed", flowId: "f1", versionId: "v1" },
        { type: "end", reason: "handoff", flowId: "f1", versionId: "v1", blockId: "h" },
      ]);
    });
  });

  describe("http_request", () => {
    const definition = flow(
      [
        keywordTrigger,
        block("h", "http_request", {
          method: "POST",
          url: "https://api.example.com/leads/{{attributes.ref}}?q={{last_answer|none}}",
          headers: [{ name: "Authorization", value: "Bearer abc" }, { name: "X-Name", value: "{{contact.name}}" }],
          body: '{"name":"{{contact.name}}"}',
          timeoutMs: 3000,
          saveResponse: [{ path: "data.city", attribute: "city" }, { path: "$.data.tags[1]", attribute: "second_tag" }, { path: "missing.path", attribute: "nothing" }],
        }),
        block("ok", "send_message", text("You live in {{attributes.city}}")),
        block("err", "send_message", text("Sorry, try later")),
      ],
      [...chain("t", "h"), edge("h", "ok", "success"), edge("h", "err", "error")],
    );
    const sneaky = contact({ name: 'Ana "}\r\nX-Evil: 1', attributes: { ref: "a/b c" } });

    it("asks the runner to perform the request, escaping values for URL, header and JSON", () => {
      const { session, actions } = step({ definition, contact: sneaky });
      expect(ofType(actions, "http_request")).toEqual([
        {
          type: "http_request",
          blockId: "h",
          request: {
            method: "POST",
            url: "https://api.example.com/leads/a%2Fb%20c?q=none",
            headers: { authorization: "Bearer abc", "x-name": 'Ana "} X-Evil: 1', "content-type": "application/json" },
            body: '{"name":"Ana \\"}\\r\\nX-Evil: 1"}',
            timeoutMs: 3000,
          },
        },
      ]);
      expect(JSON.parse(ofType(actions, "http_request")[0].request.body ?? "")).toEqual({ name: 'Ana "}\r\nX-Evil: 1' });
      expect(session?.waitingFor).toEqual({ kind: "http", blockId: "h" });
    });

    it("saves response fields and takes the success output", () => {
      const first = step({ definition, contact: sneaky });
      const { actions } = step({ definition, session: first.session, event: { type: "http_result", blockId: "h", ok: true, status: 200, body: { data: { city: "Porto", tags: ["a", "b"] } } } });
      expect(ofType(actions, "set_attribute")).toEqual([
        { type: "set_attribute", blockId: "h", attribute: "city", value: "Porto" },
        { type: "set_attribute", blockId: "h", attribute: "second_tag", value: "b" },
      ]);
      expect(sent(actions)).toEqual([{ type: "text", text: "You live in Porto" }]);
    });

    it("takes the error output on failure, or ends with http_error when it is not connected", () => {
      const first = step({ definition });
      expect(sent(step({ definition, session: first.session, event: { type: "http_result", blockId: "h", ok: false, status: 500, body: null } }).actions)).toEqual([{ type: "text", text: "Sorry, try later" }]);
      const bare = flow([keywordTrigger, block("h", "http_request", { method: "GET", url: "https://api.example.com/x" })], chain("t", "h"));
      const waiting = step({ definition: bare });
      expect(ofType(waiting.actions, "http_request")[0].request).toEqual({ method: "GET", url: "https://api.example.com/x", headers: {}, body: null, timeoutMs: 5000 });
      expect(endReason(step({ definition: bare, session: waiting.session, event: { type: "http_result", blockId: "h", ok: false, status: null, body: null } }).actions)).toBe("http_error");
    });
  });

  describe("go_to_flow", () => {
    const definition = flow([keywordTrigger, block("g", "go_to_flow", { flowId: "f2" })], chain("t", "g"));

    it("ends this flow and asks the runner to start the other one, counting hops", () => {
      const { session, actions } = step({ definition, event: startEvent({ jumps: 2 }) });
      expect(session).toBeNull();
      expect(actions.slice(2)).toEqual([
        { type: "go_to_flow", blockId: "g", flowId: "f2", jumps: 3 },
        { type: "completed", flowId: "f1", versionId: "v1" },
        { type: "end", reason: "go_to_flow", flowId: "f1", versionId: "v1", blockId: "g" },
      ]);
    });

    it("stops flows bouncing between each other", () => {
      const { actions } = step({ definition, event: startEvent({ jumps: ENGINE_LIMITS.flowJumps }) });
      expect(ofType(actions, "go_to_flow")).toEqual([]);
      expect(endReason(actions)).toBe("jump_limit");
    });
  });

  describe("instagram_comment trigger", () => {
    const definition = flow(
      [
        block("t", "instagram_comment", {
          posts: { mode: "any" },
          publicReplies: ["Sent you a DM, @{{comment.username}}!", "Check your inbox 📩"],
          privateReply: { kind: "text", text: "Hi! Here is the info you asked for: {{comment.text}}", replies: { style: "quick_replies", options: [{ id: "more", title: "More" }] } },
        }),
        block("m", "send_message", text("Anything else?")),
      ],
      chain("t", "m"),
    );
    const commentStart = (id: string) => startEvent({ trigger: { text: "info", comment: { id, mediaId: "p1", text: "info", username: "ana" } } });

    it("replies publicly (one stable variant per comment) and privately, then runs the flow", () => {
      const { actions } = step({ definition, event: commentStart("c_1") });
      const publicReply = ofType(actions, "comment_public_reply");
      expect(publicReply).toHaveLength(1);
      expect(["Sent you a DM, @ana!", "Check your inbox 📩"]).toContain(publicReply[0].text);
      expect(step({ definition, event: commentStart("c_1") }).actions).toEqual(actions);
      expect(ofType(actions, "comment_private_reply")).toEqual([
        { type: "comment_private_reply", blockId: "t", commentId: "c_1", message: { type: "quick_replies", text: "Hi! Here is the info you asked for: info", options: [{ id: "more", title: "More" }] } },
      ]);
      const variants = new Set(Array.from({ length: 20 }, (_, index) => ofType(step({ definition, event: commentStart(`c_${index}`) }).actions, "comment_public_reply")[0].text));
      expect(variants.size).toBe(2);
    });

    it("sends no comment replies when started without a comment", () => {
      const { actions } = step({ definition });
      expect(ofType(actions, "comment_public_reply")).toEqual([]);
      expect(ofType(actions, "comment_private_reply")).toEqual([]);
    });
  });

  describe("interruptions, stops and opt-outs", () => {
    const waitingDefinition = flow([keywordTrigger, block("q", "ask_question", { prompt: "Name?", validation: { kind: "text" }, timeout: { amount: 1, unit: "hours" } })], chain("t", "q"));

    it("ends the interrupted session (cancelling its timeout) before starting the new flow", () => {
      const old = step({ definition: waitingDefinition }).session;
      const other = flow([keywordTrigger, block("m", "send_message", text("Prices: ..."))], chain("t", "m"));
      const { actions } = step({ definition: other, session: old, event: startEvent({ flowId: "f2", versionId: "v9" }) });
      expect(actions.slice(0, 3)).toEqual([
        { type: "cancel_schedule", kind: "timeout", blockId: "q" },
        { type: "end", reason: "interrupted", flowId: "f1", versionId: "v1", blockId: "q" },
        { type: "visited", blockId: "t" },
      ]);
      expect(actions.at(-1)).toEqual({ type: "end", reason: "completed", flowId: "f2", versionId: "v9", blockId: "m" });
    });

    it("stops a session on request", () => {
      const old = step({ definition: waitingDefinition }).session;
      expect(step({ definition: waitingDefinition, session: old, event: { type: "stop", reason: "stopped" } })).toEqual({
        session: null,
        actions: [
          { type: "cancel_schedule", kind: "timeout", blockId: "q" },
          { type: "end", reason: "stopped", flowId: "f1", versionId: "v1", blockId: "q" },
        ],
      });
    });

    it("opts the contact out with a confirmation, ending any session", () => {
      const old = step({ definition: waitingDefinition }).session;
      const { session, actions } = advance({ definition: null, session: old, event: { type: "opt_out" }, now: NOW, contact: contact(), context: { ...context, optOutConfirmation: "Bye!" } });
      expect(session).toBeNull();
      expect(actions.map((action) => action.type)).toEqual(["cancel_schedule", "end", "opt_out"]);
      expect(actions.at(-1)).toEqual({ type: "opt_out", confirmation: "Bye!" });
      expect(advance({ definition: null, session: null, event: { type: "opt_out" }, now: NOW, contact: contact(), context }).actions).toEqual([{ type: "opt_out", confirmation: expect.stringContaining("unsubscribed") }]);
    });

    it("ends as flow_unavailable when the version cannot be loaded", () => {
      const old = step({ definition: waitingDefinition }).session;
      expect(advance({ definition: null, session: old, event: textReply("Ana"), now: NOW, contact: contact(), context }).actions.at(-1)).toMatchObject({ type: "end", reason: "flow_unavailable" });
    });

    it("refuses to start anywhere but at a trigger block", () => {
      const { actions } = step({ definition: waitingDefinition, event: startEvent({ triggerBlockId: "q" }) });
      expect(actions).toEqual([{ type: "end", reason: "missing_block", flowId: "f1", versionId: "v1", blockId: "q" }]);
    });

    it("does nothing for a reply without a session", () => {
      expect(step({ definition: waitingDefinition, event: textReply("hi") })).toEqual({ session: null, actions: [] });
    });
  });

  describe("step limit", () => {
    it("ends a loop without a wait with reason step_limit", () => {
      // Validation rejects this graph; the engine must survive it anyway.
      const looping = flow([keywordTrigger, block("a", "tag", { tags: ["x"] }), block("b", "untag", { tags: ["x"] })], [...chain("t", "a", "b"), edge("b", "a")]);
      const { session, actions } = step({ definition: looping });
      expect(session).toBeNull();
      expect(visited(actions)).toHaveLength(ENGINE_LIMITS.stepsPerCall);
      expect(actions.at(-1)).toMatchObject({ type: "end", reason: "step_limit" });
      expect(ofType(actions, "completed")).toEqual([]);
    });

    it("caps the steps of a session over its whole life", () => {
      const definition = flow([keywordTrigger, block("q", "ask_question", { prompt: "?", validation: { kind: "text" } }), block("m", "send_message", text("again"))], [...chain("t", "q", "m"), edge("m", "q")]);
      let session = step({ definition }).session;
      let reason: string | undefined;
      for (let turn = 0; turn < ENGINE_LIMITS.stepsPerSession && session; turn += 1) {
        const result = step({ definition, session, event: textReply("x") });
        session = result.session;
        reason = endReason(result.actions);
      }
      expect(session).toBeNull();
      expect(reason).toBe("step_limit");
    });
  });
});
