// GET|POST /api/cron/[task] – scheduled work for serverless hosts (refresh-tokens, watch-subscriptions, prune-receipts, sync-templates, drain)
import { withErrors } from "@/lib/auth/with-workspace";
import { assertCronAuthorized, runCronTask } from "@/lib/cron/run-cron-task";

export const dynamic = "force-dynamic";
export const maxDuration = 60;

const handler = withErrors(async (req, { params }) => {
  assertCronAuthorized(req);
  return Response.json(await runCronTask(params.task));
});

export { handler as GET, handler as POST };
