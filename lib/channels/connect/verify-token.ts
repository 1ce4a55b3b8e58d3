import "server-only";
import { randomBytes } from "node:crypto";

/**
 * The token Meta echoes in its webhook subscription check (hub.verify_token). 32 random bytes,
 * base64url: 43 characters. It only authorises answering that GET challenge; signatures on
 * deliveries are checked with the app secret.
 */
export function generateVerifyToken(): string {
  return randomBytes(32).toString("base64url");
}
