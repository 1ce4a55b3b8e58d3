import { z } from "zod";

/**
 * What a session waits for. reply: an answer to the ask_question `blockId` (`attempts` invalid
 * answers so far; `timeoutAt` when the runner fires the timeout, null without one). delay: the
 * runner feeds delay_elapsed at `until`. http: the runner performs the request and feeds
 * http_result. Times are ISO strings so the state is plain JSON.
 */
export const waitingForSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("reply"), blockId: z.string(), attempts: z.number().int().min(0), timeoutAt: z.iso.datetime().nullable() }),
  z.object({ kind: z.literal("delay"), blockId: z.string(), until: z.iso.datetime() }),
  z.object({ kind: z.literal("http"), blockId: z.string() }),
]);

export type WaitingFor = z.infer<typeof waitingForSchema>;

/**
 * One contact's run of one flow version, as the runner stores it (JSON) between events. The
 * engine only ever returns a session that waits; a finished session is returned as null.
 *
 * `variables` holds what the run learned: `last_answer` (string), `trigger` ({ text, payload,
 * keyword }), `comment` ({ id, mediaId, text, username }), `jumps` (go_to_flow hops so far).
 * `stepsTaken` counts blocks executed over the whole session (capped, see ENGINE_LIMITS).
 */
export const sessionStateSchema = z.object({
  flowId: z.string(),
  versionId: z.string(),
  currentBlockId: z.string().nullable(),
  waitingFor: waitingForSchema.nullable(),
  variables: z.record(z.string(), z.unknown()),
  stepsTaken: z.number().int().min(0),
});

export type SessionState = z.infer<typeof sessionStateSchema>;
