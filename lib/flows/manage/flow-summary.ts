import "server-only";
import type { FlowStatus } from "@/lib/generated/prisma/enums";

/** What every flow answer carries (without the draft itself, which only GET /api/flows/[id] sends). */
export type FlowSummary = {
  id: string;
  name: string;
  status: FlowStatus;
  /** Send it back as `baseRevision` with the next save or publish. */
  draftRevision: number;
  draftUpdatedAt: Date;
  activeVersion: { id: string; version: number; publishedAt: Date } | null;
  /** The draft was saved after the active version was published (or nothing is published yet). */
  hasUnpublishedChanges: boolean;
  createdAt: Date;
  updatedAt: Date;
};

export const flowSummarySelect = {
  id: true,
  name: true,
  status: true,
  draftRevision: true,
  draftUpdatedAt: true,
  createdAt: true,
  updatedAt: true,
  activeVersion: { select: { id: true, version: true, publishedAt: true } },
} as const;

type FlowSummaryRow = Omit<FlowSummary, "hasUnpublishedChanges">;

export function toFlowSummary(row: FlowSummaryRow): FlowSummary {
  const { activeVersion } = row;
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    draftRevision: row.draftRevision,
    draftUpdatedAt: row.draftUpdatedAt,
    activeVersion,
    hasUnpublishedChanges: activeVersion === null || row.draftUpdatedAt > activeVersion.publishedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
