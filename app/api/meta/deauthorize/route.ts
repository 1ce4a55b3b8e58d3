// POST /api/meta/deauthorize – Meta's Deauthorize callback (signed_request, no session)
import { withErrors } from "@/lib/auth/with-workspace";
import { receiveDeauthorize } from "@/lib/meta/deauthorize";

export const POST = withErrors(async (req) => {
  await receiveDeauthorize(req);
  return Response.json({ success: true });
});
