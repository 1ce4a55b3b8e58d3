import type { ChannelKind } from "@/lib/channels/types";
import type { AttributeValue } from "@/lib/flows/engine/engine-types";
import type { ActiveTrigger } from "@/lib/flows/engine/match-trigger";
import type { SessionState } from "@/lib/flows/engine/session-state";
import type { SqlClient } from "@/lib/db/pg";
import type { AutomationSettings } from "@/lib/workspaces/settings-schema";

// The state one automation transaction works on. Everything is read and written through
// `client` (the transaction's connection): on the embedded database a second connection would
// wait for this transaction to end, forever.

export type WorkspaceState = {
  id: string;
  settings: AutomationSettings;
  /** Read under the transaction; decremented as DMs are charged. */
  credits: number;
};

export type ChannelState = {
  id: string;
  type: ChannelKind;
  status: "pending" | "active" | "needs_reauth" | "disconnected";
  /** The provider account id (IG account id, phone number id, Twilio sender). */
  externalId: string | null;
};

export type RunContext = {
  client: SqlClient;
  /** The database's clock at the start of the transaction: every time of this run derives from it. */
  now: Date;
  workspace: WorkspaceState;
  channel: ChannelState;
  triggers: ActiveTrigger[];
  /**
   * Writes to rows every run of the workspace shares (Workspace.credits, FlowBlockStat counters),
   * held back until the end of the transaction (settleRun): their row locks then last only for
   * the final statements and the commit, not the whole run — otherwise the runs of one workspace
   * queue behind each other for their entire length.
   */
  deferred: DeferredWrites;
};

export type DeferredWrites = {
  /** Idempotency keys of the automated DMs to charge one credit each (CreditLedger.refKey). */
  charges: string[];
  stats: Map<string, { versionId: string; blockId: string; count: number }>;
  /**
   * The run's own writes that nothing in the transaction reads back (sessions, activity log),
   * as literal SQL: sent with the commit (settleRun) instead of a round trip each, or earlier by
   * flushDeferredWrites when something is about to read them.
   */
  writes: string[];
};

export type ContactState = {
  id: string;
  externalId: string;
  displayName: string | null;
  username: string | null;
  phone: string | null;
  email: string | null;
  tags: string[];
  attributes: Record<string, AttributeValue>;
  optedOut: boolean;
};

export type ConversationState = {
  id: string;
  status: "open" | "archived" | "blocked";
  botPaused: boolean;
  lastInboundAt: Date | null;
};

/** A FlowSession row as this run sees it: loaded (the contact's open one) or started by it. */
export type SessionRow = {
  id: string;
  flowId: string;
  versionId: string;
  isNew: boolean;
  state: SessionState | null;
  status: "open" | "completed" | "ended";
  endReason: string | null;
  /** The stored state changed (write it back). */
  dirty: boolean;
};
