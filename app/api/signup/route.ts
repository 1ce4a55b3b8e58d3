// POST /api/signup – create an account with a new workspace, or from an invitation
import { signUpSchema } from "@/lib/auth/schemas";
import { withErrors } from "@/lib/auth/with-workspace";
import { clientAddress, consumeRateLimit } from "@/lib/auth/rate-limit";
import { parseBody } from "@/lib/http/parse-body";
import { signUp } from "@/lib/accounts/sign-up";

export const POST = withErrors(async (req) => {
  await consumeRateLimit({ limiter: "signUp", key: clientAddress(req.headers) });
  const input = signUpSchema.parse(await parseBody(req, { maxBytes: 16 * 1024 }));
  const result = await signUp(input);
  return Response.json(result, { status: 201 });
});
