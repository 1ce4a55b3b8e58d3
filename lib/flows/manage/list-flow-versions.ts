import "server-only";
import { prisma } from "@/lib/db/client";
import type { FlowDefinition } from "@/lib/flows/definition/flow-definition-schema";
import { AppError } from "@/lib/http/errors";
import { readStoredDefinition } from "./flow-triggers";
import { flowNotFound } from "./get-flow-or-throw";

export type FlowVersionSummary = {
  id: string;
  version: number;
  publishedAt: Date;
  /** Null when published with an API key or by an account deleted since. */
  publishedBy: { id: string; name: string } | null;
  /** The version new sessions start on (also while the flow is paused). */
  isActive: boolean;
};

export type FlowVersionDetail = FlowVersionSummary & { definition: FlowDefinition };

export type ListFlowVersionsOptions = { workspaceId: string; flowId: string };

/** A flow's published versions, newest first. Throws AppError 404 when the flow is not in this workspace. */
export async function listFlowVersions({ workspaceId, flowId }: ListFlowVersionsOptions): Promise<FlowVersionSummary[]> {
  const flow = await prisma.flow.findFirst({
    where: { id: flowId, workspaceId },
    select: { activeVersionId: true, versions: { orderBy: { version: "desc" }, select: { id: true, version: true, publishedAt: true, publishedById: true } } },
  });
  if (!flow) throw flowNotFound();
  const names = await publisherNames(flow.versions.map((version) => version.publishedById));
  return flow.versions.map(({ publishedById, ...version }) => ({
    ...version,
    publishedBy: publishedById ? (names.get(publishedById) ?? null) : null,
    isActive: version.id === flow.activeVersionId,
  }));
}

export type GetFlowVersionOptions = { workspaceId: string; flowId: string; version: number };

/** One published version with its frozen definition. Throws AppError 404 (flow or version unknown). */
export async function getFlowVersion({ workspaceId, flowId, version }: GetFlowVersionOptions): Promise<FlowVersionDetail> {
  const row = await prisma.flowVersion.findFirst({
    where: { flowId, version, workspaceId, flow: { workspaceId } },
    select: { id: true, version: true, publishedAt: true, publishedById: true, definition: true, activeFor: { select: { id: true } } },
  });
  if (!row) {
    const flow = await prisma.flow.findFirst({ where: { id: flowId, workspaceId }, select: { id: true } });
    throw flow ? new AppError({ code: "not_found", message: `This flow has no version ${version}` }) : flowNotFound();
  }
  const names = await publisherNames([row.publishedById]);
  return {
    id: row.id,
    version: row.version,
    publishedAt: row.publishedAt,
    publishedBy: row.publishedById ? (names.get(row.publishedById) ?? null) : null,
    isActive: row.activeFor !== null,
    definition: readStoredDefinition(row.definition),
  };
}

async function publisherNames(ids: (string | null)[]): Promise<Map<string, { id: string; name: string }>> {
  const unique = [...new Set(ids.filter((id): id is string => id !== null))];
  if (unique.length === 0) return new Map();
  const users = await prisma.user.findMany({ where: { id: { in: unique } }, select: { id: true, name: true } });
  return new Map(users.map((user) => [user.id, user]));
}
