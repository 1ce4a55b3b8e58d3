// POST /api/meta/data-deletion – Meta's Data Deletion Request callback (signed_request, no session)
import { withCallbackErrors } from "@/lib/auth/with-workspace";
import { receiveDataDeletion } from "@/lib/meta/data-deletion";

export const POST = withCallbackErrors(async (req) => Response.json(await receiveDataDeletion(req)));
