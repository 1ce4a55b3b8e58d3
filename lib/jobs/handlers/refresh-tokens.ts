import "server-only";
import { refreshExpiringTokens } from "@/lib/channels/lifecycle/refresh-tokens";

/** Daily job: refresh expiring Meta tokens, warn owners, flag expired channels. */
export async function handleRefreshTokens() {
  return refreshExpiringTokens();
}
