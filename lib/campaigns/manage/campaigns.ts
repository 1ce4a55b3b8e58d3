import "server-only";
import { prisma } from "@/lib/db/client";
import type { CampaignStatus } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/http/errors";
import { campaignInputSchema, type CampaignInput, type CampaignUpdate } from "@/lib/campaigns/definition/campaign-input-schema";
import { checkCampaign } from "./check-campaign";
import { campaignSelect, countRecipients, emptyCounts, toCampaignSummary, type CampaignSummary } from "./campaign-summary";

export const campaignNotFound = () => new AppError({ code: "not_found", message: "Campaign not found" });

/** Draft and scheduled campaigns can still be edited; anything launched is history. */
const EDITABLE = new Set(["draft", "scheduled"]);

export async function getCampaign(workspaceId: string, id: string): Promise<CampaignSummary> {
  const row = await prisma.campaign.findFirst({ where: { id, workspaceId }, select: campaignSelect });
  if (!row) throw campaignNotFound();
  const counts = await countRecipients([row.id]);
  return toCampaignSummary(row, counts.get(row.id) ?? emptyCounts());
}

export type ListCampaignsOptions = { workspaceId: string; cursor?: string | null; limit?: number; status?: CampaignStatus | null };

/** Newest first, cursor-paginated (the cursor is the last campaign's id). */
export async function listCampaigns({ workspaceId, cursor, limit = 20, status }: ListCampaignsOptions) {
  const rows = await prisma.campaign.findMany({
    where: { workspaceId, ...(status ? { status } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    select: campaignSelect,
  });
  const page = rows.slice(0, limit);
  const counts = await countRecipients(page.map((row) => row.id));
  return { campaigns: page.map((row) => toCampaignSummary(row, counts.get(row.id) ?? emptyCounts())), nextCursor: rows.length > limit ? page[page.length - 1].id : null };
}

export type CreateCampaignOptions = { workspaceId: string; userId: string | null; input: CampaignInput };

/** Stores a draft (validated in full against the channel, templates and flows). Launch/schedule are separate steps. */
export async function createCampaign({ workspaceId, userId, input }: CreateCampaignOptions): Promise<CampaignSummary> {
  const checked = await checkCampaign(workspaceId, input);
  const row = await prisma.campaign.create({
    data: {
      workspaceId,
      channelId: checked.channel.id,
      name: input.name,
      audience: input.audience,
      content: input.content,
      scheduledAt: checked.scheduledAt,
      timezone: input.schedule?.timezone ?? "UTC",
      pacePerSecond: input.pacePerSecond,
      createdById: userId,
    },
    select: { id: true },
  });
  return getCampaign(workspaceId, row.id);
}

export type UpdateCampaignOptions = { workspaceId: string; id: string; input: CampaignUpdate };

/**
 * Changes a draft (or a scheduled campaign, which goes back to draft: schedule it again). The
 * merged campaign is validated in full; a launched campaign answers 409.
 */
export async function updateCampaign({ workspaceId, id, input }: UpdateCampaignOptions): Promise<CampaignSummary> {
  const current = await getCampaign(workspaceId, id);
  if (!EDITABLE.has(current.status)) throw new AppError({ code: "conflict", message: `This campaign is ${current.status}: it can no longer be edited (duplicate it instead)` });
  const merged = campaignInputSchema.parse({
    name: input.name ?? current.name,
    channelId: input.channelId ?? current.channelId,
    audience: input.audience ?? current.audience,
    content: input.content ?? current.content,
    schedule: input.schedule !== undefined ? input.schedule : current.schedule,
    pacePerSecond: input.pacePerSecond !== undefined ? input.pacePerSecond : current.pacePerSecond,
  });
  const checked = await checkCampaign(workspaceId, merged);
  const { count } = await prisma.campaign.updateMany({
    where: { id, workspaceId, status: { in: ["draft", "scheduled"] } },
    data: {
      channelId: checked.channel.id,
      name: merged.name,
      audience: merged.audience,
      content: merged.content,
      scheduledAt: checked.scheduledAt,
      timezone: merged.schedule?.timezone ?? "UTC",
      pacePerSecond: merged.pacePerSecond,
      status: "draft",
    },
  });
  if (count === 0) throw new AppError({ code: "conflict", message: "This campaign was launched meanwhile: it can no longer be edited" });
  return getCampaign(workspaceId, id);
}

/** Deletes a campaign that is not sending right now (its recipients' messages stay in the inbox). */
export async function deleteCampaign(workspaceId: string, id: string): Promise<void> {
  const { count } = await prisma.campaign.deleteMany({ where: { id, workspaceId, status: { notIn: ["running"] } } });
  if (count > 0) return;
  const exists = await prisma.campaign.findFirst({ where: { id, workspaceId }, select: { status: true } });
  if (!exists) throw campaignNotFound();
  throw new AppError({ code: "conflict", message: "This campaign is sending: pause or cancel it before deleting it" });
}

/** A new draft with the same channel, audience, content and pace ("Copy of …"), without a schedule. */
export async function duplicateCampaign({ workspaceId, id, userId }: { workspaceId: string; id: string; userId: string | null }): Promise<CampaignSummary> {
  const source = await getCampaign(workspaceId, id);
  const row = await prisma.campaign.create({
    data: {
      workspaceId,
      channelId: source.channelId,
      name: `Copy of ${source.name}`.slice(0, 120),
      audience: source.audience,
      content: source.content,
      timezone: source.timezone,
      pacePerSecond: source.pacePerSecond,
      createdById: userId,
    },
    select: { id: true },
  });
  return getCampaign(workspaceId, row.id);
}
