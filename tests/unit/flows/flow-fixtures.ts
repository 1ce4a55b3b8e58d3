import type { BlockType } from "@/lib/flows/definition/block-schema";
import { type FlowDefinition, flowDefinitionSchema } from "@/lib/flows/definition/flow-definition-schema";
import type { ContactSnapshot, EngineContext } from "@/lib/flows/engine/engine-types";

type RawBlock = { id: string; type: BlockType; position: { x: number; y: number }; label?: string; data: Record<string, unknown> };
type RawEdge = { id: string; source: string; target: string; sourceHandle?: string };

export function block(id: string, type: BlockType, data: Record<string, unknown> = {}, label?: string): RawBlock {
  return { id, type, position: { x: 0, y: 0 }, data, ...(label ? { label } : {}) };
}

export function edge(source: string, target: string, sourceHandle?: string): RawEdge {
  return { id: `${source}.${sourceHandle ?? "next"}-${target}`, source, target, ...(sourceHandle ? { sourceHandle } : {}) };
}

/** Blocks chained in order through their default output. */
export function chain(...ids: string[]): RawEdge[] {
  return ids.slice(1).map((id, index) => edge(ids[index], id));
}

export function rawFlow(blocks: RawBlock[], edges: RawEdge[], settings: { interruptible?: boolean } = {}) {
  return { schemaVersion: 1, settings: { interruptible: true, ...settings }, blocks, edges };
}

/** A parsed definition (throws on a shape error: fixtures must be valid blocks). */
export function flow(blocks: RawBlock[], edges: RawEdge[], settings: { interruptible?: boolean } = {}): FlowDefinition {
  return flowDefinitionSchema.parse(rawFlow(blocks, edges, settings));
}

export const text = (value: string) => ({ kind: "text", text: value });

export const contact = (overrides: Partial<ContactSnapshot> = {}): ContactSnapshot => ({ name: "Ana María Souza", attributes: {}, tags: [], ...overrides });

export const context: EngineContext = { channel: "whatsapp_cloud" };

export const NOW = new Date("2026-05-04T12:00:00.000Z");
