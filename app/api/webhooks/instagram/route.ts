// GET /api/webhooks/instagram – Meta's subscription check; POST – an Instagram delivery (all accounts)
import { withErrors } from "@/lib/auth/with-workspace";
import { answerInstagramVerification, receiveInstagramDelivery } from "@/lib/webhooks/endpoints";

export const GET = withErrors((req) => answerInstagramVerification({ req }));
export const POST = withErrors((req) => receiveInstagramDelivery({ req }));
