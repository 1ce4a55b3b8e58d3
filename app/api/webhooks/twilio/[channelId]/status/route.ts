// POST /api/webhooks/twilio/[channelId]/status – a Twilio message status callback
import { withErrors } from "@/lib/auth/with-workspace";
import { receiveTwilioDelivery } from "@/lib/webhooks/endpoints";

export const POST = withErrors((req, { params }) => receiveTwilioDelivery({ req, channelId: params.channelId, kind: "status" }));
