import "server-only";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { z } from "zod";
import { decryptSecret, encryptSecret } from "@/lib/crypto/secrets";

// Between the OAuth callback and "Connect selected", the long-lived user token and the list of
// Pages live in an encrypted httpOnly cookie (AES-256-GCM with the versioned ENCRYPTION_KEY,
// like every stored token): nothing is written to the database before the owner chooses, no
// token ever appears in a URL, and the cookie names the user and workspace it belongs to.
// Page tokens are not kept here: "Connect selected" fetches fresh ones with the user token.

export const PENDING_COOKIE = "sb_ig_pending";
export const PENDING_TTL_SECONDS = 15 * 60;
/** Browsers keep ~4096 bytes per cookie, name and attributes included. */
const MAX_COOKIE_VALUE_CHARS = 3800;

const instagramSchema = z.object({ id: z.string().min(1), username: z.string().nullable(), name: z.string().nullable() });

const pageSchema = z.object({ id: z.string().min(1), name: z.string(), instagram: instagramSchema.nullable() });

const pendingSchema = z.object({
  v: z.literal(1),
  userId: z.string().min(1),
  workspaceId: z.string().min(1),
  metaUserId: z.string().min(1),
  metaUserName: z.string().nullable(),
  userToken: z.string().min(1),
  /** Epoch ms; null when Meta did not say. */
  userTokenExpiresAt: z.number().int().nullable(),
  grantedScopes: z.array(z.string()),
  missingOptionalScopes: z.array(z.string()),
  pages: z.array(pageSchema),
  /** Pages without an Instagram account left out of `pages` to fit the cookie. */
  omittedPagesWithoutInstagram: z.number().int().nonnegative(),
  /** Pages with an Instagram account that did not fit (shown as "run it again"). */
  omittedInstagramAccounts: z.number().int().nonnegative(),
  /** Epoch ms. */
  expiresAt: z.number().int(),
});

export type PendingSelection = z.infer<typeof pendingSchema>;
export type PendingPage = z.infer<typeof pageSchema>;

export type NewPendingSelection = Omit<PendingSelection, "v" | "expiresAt" | "omittedPagesWithoutInstagram" | "omittedInstagramAccounts">;

/**
 * Encrypts the selection into a cookie value, dropping Pages to fit the cookie when the person
 * manages very many: first those without an Instagram account (only counted), then Instagram
 * accounts beyond what fits (counted, so the page can say "run it again for the rest").
 */
export function sealPendingSelection(selection: NewPendingSelection, now = Date.now()): { value: string; pending: PendingSelection } {
  const base: PendingSelection = { ...selection, v: 1, expiresAt: now + PENDING_TTL_SECONDS * 1000, omittedPagesWithoutInstagram: 0, omittedInstagramAccounts: 0 };
  let pending = base;
  let value = seal(pending);
  if (value.length > MAX_COOKIE_VALUE_CHARS) {
    const withInstagram = base.pages.filter((page) => page.instagram);
    pending = { ...base, pages: withInstagram, omittedPagesWithoutInstagram: base.pages.length - withInstagram.length };
    value = seal(pending);
    while (value.length > MAX_COOKIE_VALUE_CHARS && pending.pages.length > 0) {
      const keep = Math.floor(pending.pages.length * 0.8);
      pending = { ...pending, pages: withInstagram.slice(0, keep), omittedInstagramAccounts: withInstagram.length - keep };
      value = seal(pending);
    }
  }
  return { value, pending };
}

function seal(pending: PendingSelection): string {
  return encryptSecret(deflateRawSync(Buffer.from(JSON.stringify(pending), "utf8")).toString("base64"));
}

export type OpenPendingSelectionOptions = { value: string | undefined; userId: string; workspaceId: string; now?: number };

/**
 * Decrypts the cookie. Returns null when it is missing, tampered with, expired, or belongs to
 * another user or workspace: the caller then asks the person to start again.
 */
export function openPendingSelection({ value, userId, workspaceId, now = Date.now() }: OpenPendingSelectionOptions): PendingSelection | null {
  if (!value || value.length > MAX_COOKIE_VALUE_CHARS * 2) return null;
  let json: unknown;
  try {
    json = JSON.parse(inflateRawSync(Buffer.from(decryptSecret(value), "base64")).toString("utf8"));
  } catch {
    return null;
  }
  const parsed = pendingSchema.safeParse(json);
  if (!parsed.success) return null;
  const pending = parsed.data;
  if (pending.userId !== userId || pending.workspaceId !== workspaceId || pending.expiresAt <= now) return null;
  return pending;
}
