// POST /api/campaigns/estimate – eligible vs skipped (by reason) for a channel, audience and content, with a preview of the first recipients
import { z } from "zod";
import { withWorkspace } from "@/lib/auth/with-workspace";
import { prisma } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { parseBody } from "@/lib/http/parse-body";
import { audienceSchema } from "@/lib/campaigns/definition/audience-schema";
import { contentSchema } from "@/lib/campaigns/definition/content-schema";
import { estimateAudience } from "@/lib/campaigns/audience/estimate-audience";
import { previewRecipients } from "@/lib/campaigns/audience/preview-recipients";
import { CAMPAIGN_BODY_MAX_BYTES } from "@/lib/campaigns/manage/roles";

const estimateSchema = z.strictObject({ channelId: z.string({ error: "pick a channel" }).min(1, "pick a channel").max(64), audience: audienceSchema, content: contentSchema });

export const POST = withWorkspace(async (req, { workspace }) => {
  const input = estimateSchema.parse(await parseBody(req, { maxBytes: CAMPAIGN_BODY_MAX_BYTES }));
  const channel = await prisma.channel.findFirst({ where: { id: input.channelId, workspaceId: workspace.id }, select: { id: true, type: true } });
  if (!channel) throw new AppError({ code: "unprocessable", field: "channelId", message: "channelId: no such channel in this workspace" });
  const options = { workspaceId: workspace.id, channelId: channel.id, channelType: channel.type, audience: input.audience, content: input.content };
  const [estimate, samples] = await Promise.all([estimateAudience(options), previewRecipients(options)]);
  return Response.json({ estimate, samples });
});
