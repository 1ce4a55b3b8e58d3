import { z } from "zod";
import { FLOW_LIMITS } from "./flow-limits";

const UNIT_MS = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 } as const;

/** A delay or a question timeout: `{ amount: 2, unit: "hours" }`, one minute to thirty days. */
export const durationSchema = z
  .object({
    amount: z.number().int("Use a whole number").positive("Use a positive number"),
    unit: z.enum(["minutes", "hours", "days"]),
  })
  .refine((duration) => durationToMs(duration) <= FLOW_LIMITS.durationMaxMs, { message: "At most 30 days" });

export type Duration = z.infer<typeof durationSchema>;

export function durationToMs(duration: { amount: number; unit: keyof typeof UNIT_MS }): number {
  return duration.amount * UNIT_MS[duration.unit];
}
