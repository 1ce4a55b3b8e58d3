import "server-only";
import { prisma } from "@/lib/db/client";
import { createWorkspace } from "./create-workspace";

export type CreateOwnedWorkspaceOptions = { name: string; ownerId: string };

/** Creates another workspace for a signed-in user, in its own transaction. */
export async function createOwnedWorkspace({ name, ownerId }: CreateOwnedWorkspaceOptions) {
  return prisma.$transaction((tx) => createWorkspace({ tx, name, ownerId }));
}
