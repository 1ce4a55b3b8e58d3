import { z } from "zod";

// Building blocks shared by the Instagram and WhatsApp webhook parsers. Loose objects
// everywhere: Meta adds keys without notice and an unknown key must never make a message
// unreadable.

/** Meta ids are strings, except a few (message_template_id) that arrive as JSON numbers. */
export const metaIdSchema = z.union([z.string().min(1), z.number().int().nonnegative()]).transform(String);

/**
 * Meta mixes units: WhatsApp and Instagram `entry.time` are Unix seconds (strings on real
 * deliveries, numbers in samples and dashboard tests), Instagram messaging timestamps are
 * milliseconds. Anything from 1e11 up is milliseconds: 1e11 seconds would be the year 5138,
 * 1e11 milliseconds is 1973.
 */
export const metaTimestampSchema = z
  .union([z.number(), z.string().trim().regex(/^\d+(\.\d+)?$/).transform(Number)])
  .pipe(z.number().finite().nonnegative())
  .transform((value) => new Date(value >= 1e11 ? value : value * 1000));

/** `{ object, entry: [...] }`: the envelope of every Meta webhook delivery. */
export const metaEnvelopeSchema = z.looseObject({ object: z.string(), entry: z.array(z.unknown()) });
