import type { ChannelKind, MessageContent, OutboundMessage } from "@/lib/channels/types";
import type { BusinessHours } from "@/lib/flows/definition/business-hours-schema";
import type { SessionState } from "./session-state";

export type AttributeValue = string | number | boolean;

/** The contact as the runner loaded it, after applying every action of earlier calls. */
export type ContactSnapshot = {
  name?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  username?: string | null;
  phone?: string | null;
  email?: string | null;
  attributes: Record<string, AttributeValue>;
  tags: string[];
};

export type EngineContext = {
  channel: ChannelKind;
  /** The workspace's business hours, for condition rules without their own schedule; none = always open. */
  businessHours?: BusinessHours | null;
  /** Sent when a contact opts out; default OPT_OUT_CONFIRMATION. */
  optOutConfirmation?: string;
};

/** What started a flow, kept in the session's variables for templates (`{{trigger.text}}`, `{{comment.username}}`). */
export type TriggerContext = {
  text?: string;
  /** Quick reply / button payload the contact tapped. */
  payload?: string;
  /** The keyword (or pattern) that matched. */
  keyword?: string;
  comment?: { id: string; mediaId: string; text: string; username?: string };
};

export type StartEvent = {
  type: "start";
  flowId: string;
  versionId: string;
  triggerBlockId: string;
  trigger?: TriggerContext;
  /** go_to_flow hops that led here (from the go_to_flow action); 0 or absent for a trigger. */
  jumps?: number;
};

/**
 * What drives a session. start: from a trigger decision (an existing session is ended as
 * "interrupted" first). reply: an inbound message while waiting for an answer. timeout /
 * delay_elapsed / http_result: fed back by the runner for the block the session waits on;
 * a stale one (other block, or before its time) is ignored. stop: the runner ends the session
 * (another flow took over, an agent took the conversation, the flow was paused). opt_out: the
 * contact asked to stop all messages.
 */
export type EngineEvent =
  | StartEvent
  | { type: "reply"; message: MessageContent }
  | { type: "timeout"; blockId: string }
  | { type: "delay_elapsed"; blockId: string }
  | {
      type: "http_result";
      blockId: string;
      /** 2xx received in time. */
      ok: boolean;
      /** null on network error or timeout. */
      status: number | null;
      /** The parsed JSON body, or the text when not JSON, or null. */
      body: unknown;
    }
  | { type: "stop"; reason: "interrupted" | "stopped" | "flow_unavailable" }
  | { type: "opt_out" };

export type EndReason =
  | "completed"
  | "handoff"
  | "go_to_flow"
  | "timeout"
  | "invalid_answer"
  | "http_error"
  | "step_limit"
  | "jump_limit"
  | "interrupted"
  | "stopped"
  | "opted_out"
  | "flow_unavailable"
  | "missing_block";

export type HttpRequestSpec = {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  url: string;
  headers: Record<string, string>;
  body: string | null;
  timeoutMs: number;
};

/**
 * What the runner must do, in order. The engine is deterministic (same input, same actions in
 * the same order), so `${inboundEventId}:${index}` is a stable idempotency key for each action:
 * a replayed event re-derives the same keys and sends nothing twice.
 *
 * visited / completed are analytics markers (runs, completions, drop-off per block); `end`
 * closes the session (the runner deletes it); `schedule` / `cancel_schedule` manage the durable
 * jobs that feed timeout and delay_elapsed back.
 */
export type EngineAction =
  | { type: "visited"; blockId: string }
  | { type: "send_message"; blockId: string; message: OutboundMessage }
  | { type: "comment_public_reply"; blockId: string; commentId: string; text: string }
  | { type: "comment_private_reply"; blockId: string; commentId: string; message: OutboundMessage }
  /** value null clears the attribute. */
  | { type: "set_attribute"; blockId: string; attribute: string; value: AttributeValue | null }
  | { type: "add_tag"; blockId: string; tag: string }
  | { type: "remove_tag"; blockId: string; tag: string }
  | { type: "handoff"; blockId: string; assigneeUserId: string | null; pauseBot: boolean; note: string | null }
  | { type: "http_request"; blockId: string; request: HttpRequestSpec }
  | { type: "schedule"; kind: "delay" | "timeout"; blockId: string; at: string }
  | { type: "cancel_schedule"; kind: "delay" | "timeout"; blockId: string }
  /** Start `flowId` from its trigger with a start event carrying `jumps`. */
  | { type: "go_to_flow"; blockId: string; flowId: string; jumps: number }
  | { type: "opt_out"; confirmation: string }
  | { type: "completed"; flowId: string; versionId: string }
  | { type: "end"; reason: EndReason; flowId: string; versionId: string; blockId: string | null };

/** The session to store (null: finished, delete it) and the actions to perform. */
export type AdvanceResult = { session: SessionState | null; actions: EngineAction[] };
