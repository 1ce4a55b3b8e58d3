import "server-only";
import { randomBytes } from "node:crypto";
import type { TransactionClient } from "@/lib/db/client";

// Top-level paths a workspace slug must never shadow (`/[workspace]/…` pages).
const RESERVED_SLUGS = new Set([
  "api", "login", "signup", "logout", "invite", "workspaces", "privacy", "terms", "settings",
  "admin", "static", "public", "_next", "health", "new", "app", "auth", "data-deletion",
]);

export type CreateWorkspaceOptions = { tx: TransactionClient; name: string; ownerId: string };

/**
 * Creates a workspace with its owner membership, the built-in Sandbox channel and the ledger
 * row of its starting automation credits (every change of credits has one), inside the
 * caller's transaction so a failure leaves nothing behind.
 */
export async function createWorkspace({ tx, name, ownerId }: CreateWorkspaceOptions) {
  const slug = await uniqueSlug(tx, name);
  const workspace = await tx.workspace.create({
    data: {
      name,
      slug,
      memberships: { create: { userId: ownerId, role: "owner" } },
      channels: { create: { type: "sandbox", name: "Sandbox", status: "active" } },
    },
    select: { id: true, name: true, slug: true, credits: true },
  });
  await tx.creditLedger.create({
    data: { workspaceId: workspace.id, delta: workspace.credits, balanceAfter: workspace.credits, reason: "initial_grant", refKey: "initial_grant" },
  });
  return { id: workspace.id, name: workspace.name, slug: workspace.slug };
}

export function slugify(name: string) {
  const base = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return base.length >= 2 ? base : "workspace";
}

async function uniqueSlug(tx: TransactionClient, name: string) {
  const base = slugify(name);
  let candidate = RESERVED_SLUGS.has(base) ? `${base}-team` : base;
  for (let attempt = 0; attempt < 5; attempt++) {
    const taken = await tx.workspace.findUnique({ where: { slug: candidate }, select: { id: true } });
    if (!taken) return candidate;
    candidate = `${base}-${randomBytes(3).toString("hex")}`;
  }
  return `${base}-${randomBytes(6).toString("hex")}`;
}
