import { describe, expect, it } from "vitest";
import { detectOptIn, detectOptOut, OPT_IN_KEYWORDS } from "@/lib/flows/engine/detect-opt-out";
import { matchTrigger, type ActiveTrigger, type TriggerEvent } from "@/lib/flows/engine/match-trigger";
import { isTriggerBlock } from "@/lib/flows/definition/block-schema";
import { block, flow } from "./flow-fixtures";

const message = (text: string, payload: string | null = null): TriggerEvent => ({ kind: "message", text, payload, isNewConversation: false });

function keyword(flowId: string, keywords: string[]): ActiveTrigger {
  const parsed = flow([block(`${flowId}_t`, "keyword", { match: "exact", keywords })], []).blocks[0];
  if (!isTriggerBlock(parsed)) throw new Error("not a trigger");
  return { flowId, versionId: `${flowId}_v1`, flowName: flowId, interruptible: true, block: parsed };
}

describe("detectOptIn", () => {
  it.each(["START", "start", "Start!", "UNSTOP", "Unstop.", "subscribe", "SUBSCRÍBE", "resubscribe", "opt in", "Opt-in", "  optin "])("recognises %j", (text) => {
    expect(detectOptIn(text)).not.toBeNull();
  });

  it.each(["start the flow", "I want to subscribe to the newsletter", "stop", "yes", "", "restart"])("ignores %j", (text) => {
    expect(detectOptIn(text)).toBeNull();
  });

  it("shares no word with the opt-out list", () => {
    for (const word of OPT_IN_KEYWORDS) expect(detectOptOut(word)).toBeNull();
  });
});

describe("matchTrigger with an opted-out contact", () => {
  const triggers = [keyword("kw_start", ["start"])];

  it("opts an opted-out contact back in, before any keyword flow", () => {
    expect(matchTrigger({ event: message("START"), triggers, session: null, optedOut: true })).toEqual({ kind: "opt_in", keyword: "start" });
  });

  it("treats START as an ordinary message for a contact who is not opted out", () => {
    const decision = matchTrigger({ event: message("START"), triggers, session: null, optedOut: false });
    expect(decision.kind === "start" && decision.event.flowId).toBe("kw_start");
  });

  it("never opts in from a tapped button titled Start", () => {
    expect(matchTrigger({ event: message("Start", "START_PAYLOAD"), triggers, session: null, optedOut: true }).kind).not.toBe("opt_in");
  });

  it("still opts out on STOP while opted out (the runner logs it as already done)", () => {
    expect(matchTrigger({ event: message("STOP"), triggers, session: null, optedOut: true }).kind).toBe("opt_out");
  });
});
