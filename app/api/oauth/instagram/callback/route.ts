// GET /api/oauth/instagram/callback – Facebook's redirect back: checks the state, lists the accounts to choose from
import { completeInstagramCallback } from "@/lib/oauth/instagram-callback";
import { oauthErrorResponse, redirectResponse, withBrowserSession } from "@/lib/oauth/respond";

export const GET = withBrowserSession(async (req, user) => {
  const outcome = await completeInstagramCallback({ req, user });
  if (outcome.kind === "redirect") return redirectResponse(outcome);
  return oauthErrorResponse(req, outcome.error, { setCookies: outcome.setCookies });
});
