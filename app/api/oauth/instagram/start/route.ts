// GET /api/oauth/instagram/start?workspace=<slug> – sends an owner/admin to the Facebook Login dialog
import { startInstagramConnection } from "@/lib/oauth/instagram-start";
import { redirectResponse, withBrowserSession } from "@/lib/oauth/respond";

export const GET = withBrowserSession(async (req, user) => {
  const { location, setCookie } = await startInstagramConnection({ req, user });
  return redirectResponse({ location, setCookies: [setCookie] });
});
