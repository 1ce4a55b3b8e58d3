import "server-only";
import { prisma } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import {
  readAutomationSettings,
  readWorkspaceSettings,
  type AutomationSettings,
  type AutomationSettingsPatch,
  type WorkspaceSettings,
  type WorkspaceSettingsPatch,
} from "./settings-schema";

export { readWorkspaceSettings, workspaceSettingsPatchSchema, workspaceSettingsSchema, type WorkspaceSettings } from "./settings-schema";
export { automationSettingsPatchSchema, readAutomationSettings, type AutomationSettings } from "./settings-schema";

/** The workspace's settings with defaults applied. Throws AppError 404 for an unknown workspace. */
export async function getWorkspaceSettings(workspaceId: string): Promise<WorkspaceSettings> {
  return readWorkspaceSettings(await readStoredSettings(workspaceId));
}

async function readStoredSettings(workspaceId: string): Promise<unknown> {
  const row = await prisma.workspace.findUnique({ where: { id: workspaceId }, select: { settings: true } });
  if (!row) throw new AppError({ code: "not_found", message: "Workspace not found" });
  return row.settings;
}

export type UpdateWorkspaceSettingsOptions = { workspaceId: string; patch: WorkspaceSettingsPatch };

/**
 * Merges `patch` into the stored settings and returns the result. The merge happens in one
 * UPDATE (jsonb ||), so two admins changing different keys at once both keep their change, and
 * keys this version does not know (added by a later one) survive.
 */
export async function updateWorkspaceSettings({ workspaceId, patch }: UpdateWorkspaceSettingsOptions): Promise<WorkspaceSettings> {
  const changes = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
  const rows = await prisma.$queryRaw<{ settings: unknown }[]>`
    UPDATE "Workspace"
       SET settings = (CASE WHEN jsonb_typeof(settings) = 'object' THEN settings ELSE '{}'::jsonb END) || ${JSON.stringify(changes)}::jsonb,
           "updatedAt" = now()
     WHERE id = ${workspaceId}
     RETURNING settings`;
  if (rows.length === 0) throw new AppError({ code: "not_found", message: "Workspace not found" });
  return readWorkspaceSettings(rows[0].settings);
}

/** The workspace's automation settings with defaults applied. Throws AppError 404 for an unknown workspace. */
export async function getAutomationSettings(workspaceId: string): Promise<AutomationSettings> {
  return readAutomationSettings(await readStoredSettings(workspaceId));
}

export type UpdateAutomationSettingsOptions = { workspaceId: string; patch: AutomationSettingsPatch };

/**
 * Merges `patch` into the stored `automation` object (one UPDATE, like updateWorkspaceSettings:
 * concurrent changes of different keys both survive, as do keys this version does not know).
 * Throws AppError 422 when `fallbackFlowId` is not an active flow of this workspace, 404 for an
 * unknown workspace.
 */
export async function updateAutomationSettings({ workspaceId, patch }: UpdateAutomationSettingsOptions): Promise<AutomationSettings> {
  if (patch.fallbackFlowId) {
    const flow = await prisma.flow.findFirst({ where: { id: patch.fallbackFlowId, workspaceId }, select: { status: true, activeVersionId: true } });
    if (!flow) throw new AppError({ code: "unprocessable", message: "The fallback flow does not exist in this workspace", field: "fallbackFlowId" });
    // A draft or paused flow would never answer: the runner logs it as skipped on every message.
    if (flow.status !== "active" || !flow.activeVersionId) {
      throw new AppError({ code: "unprocessable", message: "The fallback flow must be published and active (publish or resume it first)", field: "fallbackFlowId" });
    }
  }
  const changes = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
  // Every read of the old value is in SET (not a CTE): a concurrent update that took the row
  // lock first is then merged into, not overwritten (READ COMMITTED re-reads the locked row).
  const rows = await prisma.$queryRaw<{ settings: unknown }[]>`
    UPDATE "Workspace"
       SET settings = (CASE WHEN jsonb_typeof(settings) = 'object' THEN settings ELSE '{}'::jsonb END)
             || jsonb_build_object('automation',
                  (CASE WHEN jsonb_typeof(settings->'automation') = 'object' THEN settings->'automation' ELSE '{}'::jsonb END)
                  || ${JSON.stringify(changes)}::jsonb),
           "updatedAt" = now()
     WHERE id = ${workspaceId}
     RETURNING settings`;
  if (rows.length === 0) throw new AppError({ code: "not_found", message: "Workspace not found" });
  return readAutomationSettings(rows[0].settings);
}
