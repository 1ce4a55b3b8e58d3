// POST /api/webhooks/twilio/[channelId] – an inbound Twilio WhatsApp message
import { withErrors } from "@/lib/auth/with-workspace";
import { receiveTwilioDelivery } from "@/lib/webhooks/endpoints";

export const POST = withErrors((req, { params }) => receiveTwilioDelivery({ req, channelId: params.channelId, kind: "inbound" }));
