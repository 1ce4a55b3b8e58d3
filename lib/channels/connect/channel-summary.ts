import "server-only";
import type { Prisma } from "@/lib/generated/prisma/client";

// The one shape a channel leaves the server in from the connect, update, disconnect and detail
// endpoints. Credentials are never selected here.

export const channelSummarySelect = {
  id: true,
  type: true,
  name: true,
  status: true,
  statusReason: true,
  externalId: true,
  settings: true,
  tokenExpiresAt: true,
  subscriptionCheckedAt: true,
  createdAt: true,
  updatedAt: true,
} satisfies Prisma.ChannelSelect;

export type ChannelSummary = Prisma.ChannelGetPayload<{ select: typeof channelSummarySelect }>;
