// Pruning of automation idempotency receipts (issue 6): the daily job deletes receipts past the
// retention in bounded batches, and keeps every receipt a job could still need — recent ones, and
// a cancelled timer's receipt until its due time has passed the retention too.
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { getPgPool } from "@/lib/db/pg";
import { pruneAutomationReceipts, receiptRetentionDays } from "@/lib/flows/runner/prune-automation-receipts";
import { queues, schedules } from "@/lib/jobs/queues";
import { registry } from "@/lib/jobs/registry";

const DAY = 86_400_000;
const workspaceId = `prune-${randomBytes(4).toString("hex")}`;

async function receipt(key: string, ageDays: number) {
  await getPgPool().query(`INSERT INTO "AutomationReceipt" ("workspaceId", key, "createdAt") VALUES ($1, $2, $3::timestamptz AT TIME ZONE 'UTC')`, [
    workspaceId,
    key,
    new Date(Date.now() - ageDays * DAY).toISOString(),
  ]);
}

async function keys(): Promise<string[]> {
  const { rows } = await getPgPool().query<{ key: string }>(`SELECT key FROM "AutomationReceipt" WHERE "workspaceId" = $1 ORDER BY key`, [workspaceId]);
  return rows.map((row) => row.key);
}

afterAll(async () => {
  await getPgPool().query(`DELETE FROM "AutomationReceipt" WHERE "workspaceId" = $1`, [workspaceId]);
});

describe("pruneAutomationReceipts", () => {
  it("deletes receipts past the retention and keeps recent ones and timers still due", async () => {
    const future = new Date(Date.now() + 5 * DAY).toISOString();
    const past = new Date(Date.now() - 40 * DAY).toISOString();
    await receipt("message:old", 40);
    await receipt("comment:old", 31);
    await receipt("message:recent", 10);
    await receipt("message:edge", 29);
    // A cancelled 30-day timer: the receipt is old but the job runs in 5 days and must find it.
    await receipt(`wake:s1:d:delay:${future}`, 40);
    await receipt(`wake:s2:d:delay:${past}`, 40);

    const result = await pruneAutomationReceipts({ retentionDays: 30 });
    expect(result.complete).toBe(true);
    expect(result.deleted).toBeGreaterThanOrEqual(3);
    expect(await keys()).toEqual(["message:edge", "message:recent", `wake:s1:d:delay:${future}`].sort());
  });

  it("works in bounded batches and finishes on the next runs", async () => {
    for (let i = 0; i < 5; i++) await receipt(`message:batch-${i}`, 60 + i);
    const first = await pruneAutomationReceipts({ retentionDays: 30, batchSize: 2, maxBatches: 1 });
    expect(first).toMatchObject({ deleted: 2, batches: 1, complete: false });
    // Oldest first.
    expect((await keys()).filter((key) => key.startsWith("message:batch-"))).toEqual(["message:batch-0", "message:batch-1", "message:batch-2"]);
    const rest = await pruneAutomationReceipts({ retentionDays: 30, batchSize: 2, maxBatches: 10 });
    expect(rest.complete).toBe(true);
    expect((await keys()).filter((key) => key.startsWith("message:batch-"))).toEqual([]);
  });

  it("never keeps receipts for less than 15 days, whatever the setting", async () => {
    expect(receiptRetentionDays(undefined)).toBe(30);
    expect(receiptRetentionDays("45")).toBe(45);
    expect(receiptRetentionDays("1")).toBe(15);
    expect(receiptRetentionDays("soon")).toBe(30);
    await receipt("message:ten-days", 10);
    await receipt("message:twenty-days", 20);
    await pruneAutomationReceipts({ retentionDays: 1 });
    const left = await keys();
    expect(left).toContain("message:ten-days");
    expect(left).not.toContain("message:twenty-days");
  });

  it("runs daily as a scheduled job through the job registry", async () => {
    expect(schedules).toContainEqual({ queue: queues.pruneReceipts.name, cron: expect.any(String) });
    await receipt("message:via-job", 90);
    const result = (await registry[queues.pruneReceipts.name].handler({}, { retryCount: 0, retryLimit: 2 })) as { complete: boolean };
    expect(result.complete).toBe(true);
    expect(await keys()).not.toContain("message:via-job");
  });
});
