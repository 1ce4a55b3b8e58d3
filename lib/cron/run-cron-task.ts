import "server-only";
import { timingSafeEqual, createHash } from "node:crypto";
import { AppError } from "@/lib/http/errors";
import { getBoss } from "@/lib/jobs/boss";
import { runJobBatch } from "@/lib/jobs/run-job-batch";
import { queues, type QueueName } from "@/lib/jobs/queues";
import { refreshExpiringTokens } from "@/lib/channels/lifecycle/refresh-tokens";
import { checkChannelSubscriptions } from "@/lib/channels/lifecycle/check-subscriptions";
import { pruneAutomationReceipts } from "@/lib/flows/runner/prune-automation-receipts";
import { syncDueTemplates } from "@/lib/channels/templates/sync-due-templates";

/**
 * Checks `Authorization: Bearer $CRON_SECRET` in constant time. Fails closed: without
 * CRON_SECRET configured, every cron call is refused.
 */
export function assertCronAuthorized(req: Request): void {
  const secret = process.env.CRON_SECRET;
  const header = req.headers.get("authorization") ?? "";
  if (!secret) throw new AppError({ code: "forbidden", message: "CRON_SECRET is not configured" });
  const expected = createHash("sha256").update(`Bearer ${secret}`).digest();
  const actual = createHash("sha256").update(header).digest();
  if (!timingSafeEqual(expected, actual)) throw new AppError({ code: "unauthorized", message: "Invalid cron secret" });
}

const DRAIN_BUDGET_MS = 50_000;

/**
 * Serverless deployments (Vercel) have no long-running workers: a cron call runs one task, or
 * "drain" processes due jobs of every queue until the time budget is spent.
 */
export async function runCronTask(task: string) {
  switch (task) {
    case "refresh-tokens":
      return { task, result: await refreshExpiringTokens() };
    case "watch-subscriptions":
      return { task, result: await checkChannelSubscriptions() };
    case "prune-receipts":
      return { task, result: await pruneAutomationReceipts() };
    case "sync-templates":
      return { task, result: await syncDueTemplates() };
    case "drain":
      return { task, result: await drainQueues(DRAIN_BUDGET_MS) };
    default:
      throw new AppError({ code: "not_found", message: `Unknown cron task "${task}"` });
  }
}

async function drainQueues(budgetMs: number) {
  const boss = await getBoss();
  const deadline = Date.now() + budgetMs;
  const processed: Record<string, number> = {};
  for (const queue of Object.values(queues).map((q) => q.name as QueueName)) {
    processed[queue] = 0;
    while (Date.now() < deadline) {
      const jobs = await boss.fetch(queue, { batchSize: 20, includeMetadata: true });
      if (!jobs || jobs.length === 0) break;
      const succeeded = await runJobBatch({ boss, queue, jobs });
      if (succeeded.length > 0) await boss.complete(queue, succeeded);
      processed[queue] += jobs.length;
    }
  }
  return processed;
}
