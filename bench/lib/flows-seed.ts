import { randomBytes } from "node:crypto";
import type pg from "pg";
import type { BenchChannel } from "./seed";

// The flow `npm run bench:flows` publishes on the benchmark's channel, written with plain SQL as
// lib/flows/manage/publish-flow.ts stores a publish (Flow active on version 1, FlowVersion, one
// FlowTrigger row per trigger block): keyword "benchmark" (starts with) → one text message.

export const FLOW_KEYWORD = "benchmark";
export const FLOW_REPLY = "Thanks! Your message reached us: we will get back to you shortly.";

const definition = {
  schemaVersion: 1,
  settings: { interruptible: true },
  blocks: [
    { id: "t", type: "keyword", position: { x: 0, y: 0 }, data: { match: "starts_with", keywords: [FLOW_KEYWORD] } },
    { id: "m", type: "send_message", position: { x: 0, y: 160 }, data: { kind: "text", text: FLOW_REPLY } },
  ],
  edges: [{ id: "e1", source: "t", target: "m" }],
};

/**
 * Publishes the benchmark's keyword flow and gives the workspace enough automation credits for
 * the whole run (each automated DM costs one; the default 1,000 would stop the bot midway).
 */
export async function seedKeywordFlow(pool: pg.Pool, channel: BenchChannel): Promise<{ flowId: string }> {
  const suffix = randomBytes(4).toString("hex");
  const flowId = `bench-flow-${suffix}`;
  const versionId = `bench-flowv-${suffix}`;
  const json = JSON.stringify(definition);
  await pool.query(`INSERT INTO "Flow" (id, "workspaceId", name, status, draft, "updatedAt") VALUES ($1, $2, 'Benchmark keyword flow', 'active', $3::jsonb, now())`, [flowId, channel.workspaceId, json]);
  await pool.query(`INSERT INTO "FlowVersion" (id, "workspaceId", "flowId", version, definition) VALUES ($1, $2, $3, 1, $4::jsonb)`, [versionId, channel.workspaceId, flowId, json]);
  await pool.query(`UPDATE "Flow" SET "activeVersionId" = $2 WHERE id = $1`, [flowId, versionId]);
  await pool.query(`INSERT INTO "FlowTrigger" (id, "workspaceId", "flowId", "versionId", "blockId", kind, block) VALUES ($1, $2, $3, $4, 't', 'keyword', $5::jsonb)`, [
    `bench-trigger-${suffix}`,
    channel.workspaceId,
    flowId,
    versionId,
    JSON.stringify(definition.blocks[0]),
  ]);
  await pool.query(`UPDATE "Workspace" SET credits = 100000000 WHERE id = $1`, [channel.workspaceId]);
  return { flowId };
}
