// GET /api/webhooks/whatsapp/[channelId] – Meta's subscription check; POST – a WhatsApp Cloud delivery
import { withErrors } from "@/lib/auth/with-workspace";
import { answerWhatsAppVerification, receiveWhatsAppDelivery } from "@/lib/webhooks/endpoints";

export const GET = withErrors((req, { params }) => answerWhatsAppVerification({ req, channelId: params.channelId }));
export const POST = withErrors((req, { params }) => receiveWhatsAppDelivery({ req, channelId: params.channelId }));
