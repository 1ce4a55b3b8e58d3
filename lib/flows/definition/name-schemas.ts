import { z } from "zod";
import { FLOW_LIMITS } from "./flow-limits";

/** Contact attribute keys: what `{{attributes.<key>}}` reads, so template-safe characters only. */
export const attributeNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, "Attribute names use lower-case letters, digits and _ (up to 64), starting with a letter");

export const tagNameSchema = z.string().trim().min(1, "Tag name is empty").max(FLOW_LIMITS.tagLength, `At most ${FLOW_LIMITS.tagLength} characters`);

/** Ids of blocks, edges and options: what @xyflow/react and payloads carry. */
export const idSchema = z
  .string()
  .min(1, "Id is empty")
  .max(FLOW_LIMITS.idLength)
  .regex(/^[A-Za-z0-9_.:-]+$/, "Ids use letters, digits and _ . : - only");
