import { z } from "zod";
import { BLOCK_TYPES, blockSchema } from "./block-schema";
import { FLOW_LIMITS } from "./flow-limits";
import { idSchema } from "./name-schemas";

export const FLOW_SCHEMA_VERSION = 1;

export const flowSettingsSchema = z.object({
  /**
   * While a session of this flow waits (for a reply, a delay or an HTTP call), may a trigger of
   * another flow (a keyword; for comments and story events, that event's trigger) end it and
   * start its own flow? Off for flows that must not be abandoned halfway (a checkout, a survey).
   */
  interruptible: z.boolean().default(true),
});

export type FlowSettings = z.infer<typeof flowSettingsSchema>;

/**
 * A connection from one block's output handle to another block. `sourceHandle` names the
 * output ("true", "option:small", "timeout", …); null or absent means the default "next".
 * Extra keys the canvas keeps on an edge are stripped.
 */
export const edgeSchema = z.object({
  id: idSchema,
  source: idSchema,
  sourceHandle: z.string().max(80).nullish(),
  target: idSchema,
});

export type Edge = z.infer<typeof edgeSchema>;

const position = z.object({ x: z.number().finite(), y: z.number().finite() });

/**
 * A flow as stored and run: versioned JSON. This schema checks the shape of every block; a
 * definition coming from a user must go through validateFlowDefinition, which adds the graph
 * rules (one trigger, no dangling edges, no loop without a wait, …) with per-block messages.
 *
 * @example
 * { "schemaVersion": 1, "settings": { "interruptible": true },
 *   "blocks": [
 *     { "id": "t", "type": "keyword", "position": { "x": 0, "y": 0 }, "data": { "match": "contains", "keywords": ["price"] } },
 *     { "id": "m", "type": "send_message", "position": { "x": 0, "y": 120 }, "data": { "kind": "text", "text": "Hi {{contact.first_name|there}}, it's $10" } } ],
 *   "edges": [{ "id": "e1", "source": "t", "target": "m" }] }
 */
export const flowDefinitionSchema = z.object({
  schemaVersion: z.literal(FLOW_SCHEMA_VERSION),
  settings: flowSettingsSchema,
  blocks: z.array(blockSchema).max(FLOW_LIMITS.blocks, `At most ${FLOW_LIMITS.blocks} blocks`),
  edges: z.array(edgeSchema).max(FLOW_LIMITS.edges, `At most ${FLOW_LIMITS.edges} connections`),
});

export type FlowDefinition = z.infer<typeof flowDefinitionSchema>;
/** What a client may send (defaults not yet applied). */
export type FlowDefinitionInput = z.input<typeof flowDefinitionSchema>;

/**
 * A draft as the builder autosaves it: the same envelope, but each block's `data` is only
 * required to be an object, so a half-configured block can be saved. Publishing runs
 * validateFlowDefinition on it.
 */
export const flowDraftSchema = z.object({
  schemaVersion: z.literal(FLOW_SCHEMA_VERSION),
  settings: flowSettingsSchema,
  blocks: z
    .array(
      z.object({
        id: idSchema,
        type: z.enum(BLOCK_TYPES),
        position,
        label: z.string().max(FLOW_LIMITS.labelLength).optional(),
        data: z.record(z.string(), z.unknown()),
      }),
    )
    .max(FLOW_LIMITS.blocks, `At most ${FLOW_LIMITS.blocks} blocks`),
  edges: z.array(edgeSchema).max(FLOW_LIMITS.edges, `At most ${FLOW_LIMITS.edges} connections`),
});

export type FlowDraft = z.infer<typeof flowDraftSchema>;
export type DraftBlock = FlowDraft["blocks"][number];
