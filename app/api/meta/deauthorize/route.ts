// POST /api/meta/deauthorize – Meta's Deauthorize callback (signed_request, no session)
import { withCallbackErrors } from "@/lib/auth/with-workspace";
import { receiveDeauthorize } from "@/lib/meta/deauthorize";

export const POST = withCallbackErrors(async (req) => {
  await receiveDeauthorize(req);
  return Response.json({ success: true });
});
