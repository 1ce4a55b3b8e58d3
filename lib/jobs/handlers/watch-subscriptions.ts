import "server-only";
import { checkChannelSubscriptions } from "@/lib/channels/lifecycle/check-subscriptions";

/** Every 15 minutes: make sure Meta still delivers webhooks for every connected account. */
export async function handleWatchSubscriptions() {
  return checkChannelSubscriptions();
}
