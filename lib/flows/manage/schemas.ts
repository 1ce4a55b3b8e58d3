import { z } from "zod";
import type { RoleName } from "@/lib/auth/schemas";
import { flowDraftSchema } from "@/lib/flows/definition/flow-definition-schema";

// Request bodies and query strings of /api/flows. Client-safe: the builder checks the same rules.

export const FLOW_NAME_MAX = 80;

/** Who may change flows (build, publish, pause); every member may look at them. */
export const FLOW_EDITOR_ROLES = ["owner", "admin", "marketer"] as const satisfies readonly RoleName[];

export function canEditFlows(role: RoleName): boolean {
  return (FLOW_EDITOR_ROLES as readonly RoleName[]).includes(role);
}

export const flowNameSchema = z
  .string({ error: "is required" })
  .trim()
  .min(1, "is required")
  .max(FLOW_NAME_MAX, `must be at most ${FLOW_NAME_MAX} characters`);

/** The draft revision the client last saw: a save or publish based on an older one is refused (409). */
export const baseRevisionSchema = z.number({ error: "is required (the draftRevision you last loaded)" }).int().min(0);

export const createFlowSchema = z.strictObject({ name: flowNameSchema });

/**
 * PATCH /api/flows/[id]: an autosave of the draft (`draft` with `baseRevision`), a rename
 * (`name`), or both at once.
 */
export const updateFlowSchema = z
  .strictObject({ name: flowNameSchema.optional(), draft: flowDraftSchema.optional(), baseRevision: baseRevisionSchema.optional() })
  .refine((patch) => patch.name !== undefined || patch.draft !== undefined, { message: "Send a new draft or a new name" })
  .refine((patch) => patch.draft === undefined || patch.baseRevision !== undefined, {
    message: "is required with a draft (the draftRevision you last loaded)",
    path: ["baseRevision"],
  });

export const publishFlowSchema = z.strictObject({ baseRevision: baseRevisionSchema });

export const restoreFlowVersionSchema = z.strictObject({ baseRevision: baseRevisionSchema });

/** The `[version]` route segment: a version number (1, 2, …). */
export const versionNumberSchema = z.coerce
  .number({ error: "must be a version number" })
  .int("must be a version number")
  .min(1, "must be a version number")
  .max(1_000_000, "must be a version number");

export const flowAnalyticsQuerySchema = z.object({ versionId: z.string().min(1).max(64).optional() });

export type CreateFlowInput = z.infer<typeof createFlowSchema>;
export type UpdateFlowInput = z.infer<typeof updateFlowSchema>;
