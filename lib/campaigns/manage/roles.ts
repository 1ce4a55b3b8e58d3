import type { RoleName } from "@/lib/auth/schemas";

/** Who may create, launch and control campaigns; agents can look (the inbox shows campaign messages anyway). */
export const CAMPAIGN_EDITOR_ROLES = ["owner", "admin", "marketer"] as const satisfies readonly RoleName[];

export function canEditCampaigns(role: RoleName): boolean {
  return (CAMPAIGN_EDITOR_ROLES as readonly RoleName[]).includes(role);
}

/** Campaign bodies may carry a list of up to 50,000 numbers or contacts. */
export const CAMPAIGN_BODY_MAX_BYTES = 4 * 1024 * 1024;
