// Unique values per test: tests never share rows, so the suite can also run against a shared
// PostgreSQL without truncating anything.
import { randomBytes } from "node:crypto";

export function uniqueSuffix() {
  return randomBytes(5).toString("hex");
}

export function uniqueEmail(label = "user") {
  return `${label}-${uniqueSuffix()}@example.com`;
}

/** A random client address, so per-address rate limits never couple unrelated tests. */
export function uniqueIp() {
  const bytes = randomBytes(3);
  return `10.${bytes[0]}.${bytes[1]}.${bytes[2]}`;
}
