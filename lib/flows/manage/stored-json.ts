import "server-only";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { FlowDefinition, FlowDraft } from "@/lib/flows/definition/flow-definition-schema";

/**
 * A draft or definition as a Prisma JSON column value. Both came out of zod schemas applied to
 * parsed JSON, so every leaf is JSON already; only the `unknown` leaves of a draft's block
 * data keep TypeScript from seeing that.
 */
export function toStoredJson(value: FlowDraft | FlowDefinition): Prisma.InputJsonValue {
  return value as Prisma.InputJsonValue;
}
