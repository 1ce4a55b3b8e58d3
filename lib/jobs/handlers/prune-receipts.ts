import "server-only";
import { pruneAutomationReceipts } from "@/lib/flows/runner/prune-automation-receipts";
import { logger } from "@/lib/logger";

/** Daily job: delete automation idempotency receipts past their retention (bounded batches; the rest next time). */
export async function handlePruneReceipts() {
  const result = await pruneAutomationReceipts();
  if (result.deleted > 0) logger.info(result, "automation receipts pruned");
  return result;
}
