// GET /api/attachments/[id]/[token] – public: the file, for Meta and Twilio to fetch (HMAC token in the URL)
import { withErrors } from "@/lib/auth/with-workspace";
import { serveAttachment } from "@/lib/attachments/serve-attachment";

export const GET = withErrors(async (_req, { params }) => serveAttachment({ id: params.id, token: params.token }));
