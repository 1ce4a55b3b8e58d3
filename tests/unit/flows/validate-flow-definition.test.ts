import { describe, expect, it } from "vitest";
import { type FlowIssue, validateFlowDefinition } from "@/lib/flows/definition/validate-flow-definition";
import { block, chain, edge, rawFlow, text } from "./flow-fixtures";

const trigger = block("t", "keyword", { match: "contains", keywords: ["price"] });
const send = (id: string, label?: string) => block(id, "send_message", text(`Message ${id}`), label);
const ask = (id: string, extra: Record<string, unknown> = {}) => block(id, "ask_question", { prompt: "Your email?", validation: { kind: "email" }, ...extra });

function validate(definition: unknown, options: { flowId?: string; allowPrivateHosts?: boolean } = {}) {
  return validateFlowDefinition({ definition, ...options });
}

const errors = (issues: FlowIssue[]) => issues.filter((issue) => issue.severity === "error");
const codes = (issues: FlowIssue[]) => issues.map((issue) => issue.code);

describe("validateFlowDefinition", () => {
  it("accepts a minimal keyword flow and returns the parsed definition with defaults", () => {
    const result = validate(rawFlow([trigger, send("m")], chain("t", "m")));
    expect(result).toMatchObject({ ok: true, issues: [] });
    expect(result.definition?.blocks).toHaveLength(2);
  });

  it("rejects a non-object and an unknown schema version", () => {
    expect(validate("nope")).toMatchObject({ ok: false, issues: [{ code: "invalid_definition" }] });
    expect(validate({ ...rawFlow([trigger], []), schemaVersion: 2 })).toMatchObject({ ok: false, issues: [{ code: "unsupported_version" }] });
  });

  it("requires exactly one trigger", () => {
    expect(codes(validate(rawFlow([send("m")], [])).issues)).toContain("missing_trigger");
    const two = validate(rawFlow([trigger, block("t2", "fallback"), send("m")], [...chain("t", "m"), edge("t2", "m")]));
    expect(two.issues).toContainEqual(expect.objectContaining({ code: "multiple_triggers", blockId: "t2" }));
  });

  it("reports an empty keyword once, and a punctuation-only keyword as such", () => {
    const empty = validate(rawFlow([block("t", "keyword", { match: "contains", keywords: [" "] }), send("m")], chain("t", "m")));
    expect(empty.issues.map((issue) => issue.message).filter((message) => message.includes("Keyword"))).toEqual([expect.stringContaining("Keyword is empty")]);
    const punctuation = validate(rawFlow([block("t", "keyword", { match: "contains", keywords: ["?!"] }), send("m")], chain("t", "m")));
    expect(punctuation.issues).toContainEqual(expect.objectContaining({ blockId: "t", message: expect.stringContaining("only punctuation") }));
  });

  it("names the block and the field of a shape error", () => {
    const result = validate(rawFlow([trigger, block("m", "send_message", text("x".repeat(1001)), "Welcome")], chain("t", "m")));
    expect(result.ok).toBe(false);
    expect(result.issues).toContainEqual(
      expect.objectContaining({ code: "invalid_block", blockId: "m", path: ["data", "text"], message: 'Send message "Welcome" › text: At most 1000 characters' }),
    );
  });

  it("reports a regex that does not compile, with RE2's reason", () => {
    const result = validate(rawFlow([block("t", "keyword", { match: "regex", keywords: ["price", "(?=x)"] }), send("m")], chain("t", "m")));
    expect(result.issues).toEqual([
      expect.objectContaining({ code: "invalid_regex", blockId: "t", path: ["data", "keywords", 1], message: expect.stringContaining("invalid or unsupported Perl syntax") }),
    ]);
  });

  it("reports a regex longer than 200 characters", () => {
    const result = validate(rawFlow([block("t", "keyword", { match: "regex", keywords: ["a".repeat(201)] }), send("m")], chain("t", "m")));
    expect(result.ok).toBe(false);
    expect(result.issues[0].blockId).toBe("t");
  });

  it.each([
    ["ftp://example.com/x", "must start with http:// or https://"],
    ["https://", "not valid"],
    ["https://user:pw@example.com/", "Credentials"],
    ["https://{{attributes.host}}/x", "not allowed in the host"],
    ["not a url", "must start with"],
  ])("rejects the HTTP URL %j", (url, reason) => {
    const result = validate(rawFlow([trigger, block("h", "http_request", { method: "GET", url })], chain("t", "h")));
    expect(result.issues).toContainEqual(expect.objectContaining({ code: "invalid_url", blockId: "h", message: expect.stringContaining(reason) }));
  });

  it("accepts variables in the path and query of an HTTP URL", () => {
    const result = validate(rawFlow([trigger, block("h", "http_request", { method: "GET", url: "https://api.example.com/users/{{contact.phone}}?city={{attributes.city}}" })], chain("t", "h")));
    expect(result.ok).toBe(true);
  });

  it("rejects a media URL that is not http(s)", () => {
    const result = validate(rawFlow([trigger, block("m", "send_message", { kind: "media", media: "image", url: "javascript:alert(1)" })], chain("t", "m")));
    expect(result.issues).toContainEqual(expect.objectContaining({ code: "invalid_url", blockId: "m" }));
  });

  it("rejects HTTP blocks calling private addresses unless allowed", () => {
    for (const url of ["http://localhost:3000/x", "http://127.0.0.1/x", "http://10.1.2.3/", "http://[::1]/", "http://169.254.169.254/latest", "http://2130706433/", "http://[::ffff:127.0.0.1]/"]) {
      const definition = rawFlow([trigger, block("h", "http_request", { method: "GET", url })], chain("t", "h"));
      expect(validate(definition).issues, url).toContainEqual(expect.objectContaining({ code: "private_address", blockId: "h" }));
      expect(validate(definition, { allowPrivateHosts: true }).ok, url).toBe(true);
    }
    expect(validate(rawFlow([trigger, block("h", "http_request", { method: "GET", url: "https://8.8.8.8/" })], chain("t", "h"))).ok).toBe(true);
  });

  it("reports edges to or from missing blocks", () => {
    const result = validate(rawFlow([trigger, send("m")], [...chain("t", "m"), edge("m", "ghost"), edge("nobody", "m")]));
    expect(errors(result.issues).map((issue) => [issue.code, issue.edgeId])).toEqual([
      ["dangling_edge", "m.next-ghost"],
      ["dangling_edge", "nobody.next-m"],
    ]);
  });

  it("reports edges from an output the block does not have", () => {
    const result = validate(rawFlow([trigger, send("m"), send("n")], [...chain("t", "m"), edge("m", "n", "true")]));
    expect(result.issues).toContainEqual(expect.objectContaining({ code: "unknown_handle", edgeId: "m.true-n", blockId: "m" }));
    // A timeout output exists only when the question has a timeout.
    const noTimeout = validate(rawFlow([trigger, ask("q"), send("n")], [...chain("t", "q"), edge("q", "n", "timeout")]));
    expect(codes(noTimeout.issues)).toContain("unknown_handle");
  });

  it("reports two connections from one output, and connections into a trigger", () => {
    const result = validate(rawFlow([trigger, send("m"), send("n")], [...chain("t", "m"), { ...edge("t", "n"), id: "dup" }, edge("m", "t")]));
    expect(result.issues).toContainEqual(expect.objectContaining({ code: "duplicate_output", edgeId: "dup" }));
    expect(result.issues).toContainEqual(expect.objectContaining({ code: "edge_into_trigger", blockId: "t" }));
  });

  it("reports duplicate block and edge ids", () => {
    const result = validate(rawFlow([trigger, send("m"), send("m")], [...chain("t", "m"), ...chain("t", "m")]));
    expect(result.issues.filter((issue) => issue.code === "duplicate_id")).toHaveLength(2);
  });

  it("requires the trigger and delays to lead somewhere, and a condition to have a branch", () => {
    const result = validate(rawFlow([trigger], []));
    expect(result.issues).toContainEqual(expect.objectContaining({ code: "missing_connection", blockId: "t" }));
    const delay = validate(rawFlow([trigger, block("d", "delay", { duration: { amount: 5, unit: "minutes" } })], chain("t", "d")));
    expect(delay.issues).toContainEqual(expect.objectContaining({ code: "missing_connection", blockId: "d" }));
    const condition = block("c", "condition", { match: "all", rules: [{ kind: "tag", operator: "has", tag: "vip" }] });
    const none = validate(rawFlow([trigger, condition], chain("t", "c")));
    expect(none.issues).toContainEqual(expect.objectContaining({ code: "missing_connection", blockId: "c", severity: "error" }));
    const half = validate(rawFlow([trigger, condition, send("m")], [...chain("t", "c"), edge("c", "m", "true")]));
    expect(half.ok).toBe(true);
    expect(half.issues).toEqual([expect.objectContaining({ code: "unconnected_branch", severity: "warning", message: 'Condition "c": output "False" is not connected, the flow ends there' })]);
  });

  it("warns about blocks no path reaches from the trigger", () => {
    const result = validate(rawFlow([trigger, send("m"), send("island", "Orphan")], chain("t", "m")));
    expect(result.ok).toBe(true);
    expect(result.issues).toEqual([expect.objectContaining({ code: "unreachable_block", blockId: "island", severity: "warning", message: expect.stringContaining('Send message "Orphan"') })]);
  });

  it("rejects a loop without a wait, on every block of the loop", () => {
    const result = validate(rawFlow([trigger, send("a"), block("tag", "tag", { tags: ["x"] }), send("b")], [...chain("t", "a", "tag", "b"), edge("b", "a")]));
    expect(result.ok).toBe(false);
    expect(result.issues.filter((issue) => issue.code === "loop_without_wait").map((issue) => issue.blockId).sort()).toEqual(["a", "b", "tag"]);
  });

  it("rejects a block connected to itself", () => {
    const result = validate(rawFlow([trigger, block("tag", "tag", { tags: ["x"] })], [...chain("t", "tag"), edge("tag", "tag")]));
    expect(result.issues).toContainEqual(expect.objectContaining({ code: "loop_without_wait", blockId: "tag" }));
  });

  it("accepts loops through a question or a delay", () => {
    const viaQuestion = validate(rawFlow([trigger, ask("q"), send("retry")], [...chain("t", "q"), edge("q", "retry", "invalid"), edge("retry", "q")]));
    expect(viaQuestion.ok).toBe(true);
    const viaDelay = validate(rawFlow([trigger, send("m"), block("d", "delay", { duration: { amount: 1, unit: "days" } })], [...chain("t", "m", "d"), edge("d", "m")]));
    expect(viaDelay.ok).toBe(true);
  });

  it("finds the loop without a wait next to a loop with one", () => {
    // m → n → m spins; n → d (delay) → m is fine.
    const result = validate(
      rawFlow(
        [trigger, send("m"), block("n", "condition", { match: "any", rules: [{ kind: "last_answer", operator: "is_set" }] }), block("d", "delay", { duration: { amount: 1, unit: "hours" } })],
        [...chain("t", "m", "n"), edge("n", "m", "true"), edge("n", "d", "false"), edge("d", "m")],
      ),
    );
    expect(result.issues.filter((issue) => issue.code === "loop_without_wait").map((issue) => issue.blockId).sort()).toEqual(["m", "n"]);
  });

  it("rejects go_to_flow to the flow itself", () => {
    const definition = rawFlow([trigger, block("g", "go_to_flow", { flowId: "flow_1" })], chain("t", "g"));
    expect(validate(definition, { flowId: "flow_1" }).issues).toEqual([expect.objectContaining({ code: "go_to_self", blockId: "g" })]);
    expect(validate(definition, { flowId: "flow_2" }).ok).toBe(true);
  });

  it("warns about unknown template variables but accepts the known ones", () => {
    const result = validate(rawFlow([trigger, block("m", "send_message", text("Hi {{contact.first_name|there}} from {{attributes.city}} {{last_answer}} {{foo.bar}} {{attributes}}"))], chain("t", "m")));
    expect(result.ok).toBe(true);
    expect(result.issues.map((issue) => [issue.code, issue.message.includes("{{foo.bar}}") || issue.message.includes("{{attributes}}")])).toEqual([
      ["unknown_variable", true],
      ["unknown_variable", true],
    ]);
  });

  it("validates ask_question choice options per style", () => {
    const options = [1, 2, 3, 4].map((n) => ({ id: `o${n}`, title: `Option ${n}` }));
    const result = validate(rawFlow([trigger, ask("q", { validation: { kind: "choice", replies: { style: "buttons", options } } })], chain("t", "q")));
    expect(result.issues).toContainEqual(expect.objectContaining({ blockId: "q", message: expect.stringContaining("At most 3 options for buttons") }));
    const list = validate(rawFlow([trigger, ask("q", { validation: { kind: "choice", replies: { style: "list", options } } })], chain("t", "q")));
    expect(list.issues).toContainEqual(expect.objectContaining({ message: expect.stringContaining("opening button") }));
  });

  it("allows an edge per choice option and rejects one for an option that does not exist", () => {
    const replies = { style: "quick_replies", options: [{ id: "s", title: "Small" }, { id: "l", title: "Large" }] };
    const q = ask("q", { validation: { kind: "choice", replies } });
    const ok = validate(rawFlow([trigger, q, send("small"), send("large")], [...chain("t", "q"), edge("q", "small", "option:s"), edge("q", "large", "option:l")]));
    expect(ok.ok).toBe(true);
    const bad = validate(rawFlow([trigger, q, send("m")], [...chain("t", "q"), edge("q", "m", "option:xl")]));
    expect(codes(bad.issues)).toContain("unknown_handle");
  });

  it("keeps graph checks going when a block's settings are invalid", () => {
    const result = validate(rawFlow([trigger, block("m", "send_message", { kind: "text", text: "" }), send("island")], chain("t", "m")));
    expect(codes(result.issues)).toEqual(["invalid_block", "unreachable_block"]);
  });

  it("rejects too many blocks", () => {
    const blocks = [trigger, ...Array.from({ length: 200 }, (_, index) => send(`m${index}`))];
    expect(validate(rawFlow(blocks, [])).issues).toContainEqual(expect.objectContaining({ code: "invalid_definition", message: "blocks: At most 200 blocks" }));
  });
});
