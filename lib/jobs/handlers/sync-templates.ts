import "server-only";
import { z } from "zod";
import { syncDueTemplates } from "@/lib/channels/templates/sync-due-templates";

// The schedule sends {}: every workspace. A workspaceId limits the run to one workspace.
const payloadSchema = z.object({ workspaceId: z.string().min(1).optional() });

/**
 * Hourly job: re-sync the templates of every Twilio WhatsApp sender (Twilio sends no webhook
 * when an approval changes) and of Cloud API numbers not synced for a day. A failing channel is
 * logged and skipped; it never fails the job.
 */
export async function handleSyncTemplates(data: unknown) {
  const { workspaceId } = payloadSchema.parse(data ?? {});
  const outcomes = await syncDueTemplates({ workspaceId });
  return { channels: outcomes.length, failed: outcomes.filter((outcome) => outcome.result !== "synced").length, outcomes };
}
