import { z } from "zod";

// The builder's preview chat (issue 6 §7): request bodies and the transcript it shows.
// Client-safe (zod only): the panel parses the server's answers with the same schemas.

/** At most this many transcript entries are kept (the oldest go first). */
export const PREVIEW_TRANSCRIPT_MAX = 200;

/** A delay block waits at most this long in a preview (the panel also offers "Skip wait"). */
export const PREVIEW_MAX_DELAY_MS = 5000;

const outboundMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text"), text: z.string(), previewUrl: z.boolean().optional() }),
  z.object({
    type: z.literal("media"),
    media: z.enum(["image", "video", "audio", "file"]),
    url: z.string(),
    caption: z.string().optional(),
    filename: z.string().optional(),
    mimeType: z.string().optional(),
  }),
  z.object({ type: z.literal("quick_replies"), text: z.string(), options: z.array(z.object({ id: z.string(), title: z.string() })) }),
  z.object({ type: z.literal("buttons"), text: z.string(), buttons: z.array(z.object({ id: z.string(), title: z.string() })) }),
  z.object({
    type: z.literal("list"),
    text: z.string(),
    buttonText: z.string(),
    sections: z.array(z.object({ title: z.string(), rows: z.array(z.object({ id: z.string(), title: z.string(), description: z.string().optional() })) })),
  }),
  z.object({ type: z.literal("template"), name: z.string(), language: z.string(), components: z.array(z.unknown()).optional(), text: z.string().optional() }),
]);

/**
 * One line of the chat. customer: what the marketer typed or tapped (right); bot: a message the
 * flow sent (left); system: an action that is not a message ("tag vip added", "HTTP 200").
 */
export const previewEntrySchema = z.discriminatedUnion("kind", [
  z.object({ id: z.string(), at: z.string(), kind: z.literal("customer"), text: z.string(), payload: z.string().optional() }),
  z.object({ id: z.string(), at: z.string(), kind: z.literal("bot"), blockId: z.string().nullable(), message: outboundMessageSchema }),
  z.object({ id: z.string(), at: z.string(), kind: z.literal("system"), blockId: z.string().nullable(), text: z.string(), tone: z.enum(["info", "error"]) }),
]);

export type PreviewEntry = z.infer<typeof previewEntrySchema>;
export type PreviewEntryInput = PreviewEntry extends infer E ? (E extends PreviewEntry ? Omit<E, "id" | "at"> : never) : never;

const waitingSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("reply"), blockId: z.string(), timeoutAt: z.string().nullable() }),
  z.object({ kind: z.literal("delay"), blockId: z.string(), until: z.string(), previewUntil: z.string() }),
  z.object({ kind: z.literal("http"), blockId: z.string() }),
]);

export type PreviewWaiting = z.infer<typeof waitingSchema>;

/** GET /api/flows/[id]/preview and the answer of every preview call. */
export const flowPreviewSchema = z.object({
  id: z.string(),
  /** running: the flow waits for something; ended: finished (restart to run it again). */
  status: z.enum(["running", "ended"]),
  waiting: waitingSchema.nullable(),
  /** The draft revision the preview runs; the builder offers a restart when the draft moved on. */
  draftRevision: z.number(),
  contact: z.object({ id: z.string(), name: z.string(), tags: z.array(z.string()), attributes: z.record(z.string(), z.unknown()) }),
  transcript: z.array(previewEntrySchema),
  updatedAt: z.string(),
});

export type FlowPreviewData = z.infer<typeof flowPreviewSchema>;

/** POST /api/flows/[id]/preview: (re)start the preview on the stored draft, or skip what it waits for. */
export const previewCommandSchema = z.strictObject({
  action: z.enum(["start", "skip_wait"], { error: 'must be "start" or "skip_wait"' }).default("start"),
});

/** POST /api/flows/[id]/preview/messages: the test customer types text or taps a quick reply / button / list row. */
export const previewMessageSchema = z.union(
  [
    z.strictObject({ text: z.string({ error: "is required" }).trim().min(1, "is required").max(4096, "must be at most 4096 characters") }),
    z.strictObject({
      payload: z.string().trim().min(1, "is required").max(256, "must be at most 256 characters"),
      title: z.string().trim().min(1, "is required").max(256, "must be at most 256 characters"),
    }),
  ],
  { error: "send { text } or { payload, title }" },
);

export type PreviewMessageInput = z.infer<typeof previewMessageSchema>;
