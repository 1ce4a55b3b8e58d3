import type { Conversation } from "@/lib/inbox/queries";

/** How a contact is named: their display name, else @username, else phone number. */
export function contactName(contact: Conversation["contact"]): string {
  if (contact.displayName?.trim()) return contact.displayName.trim();
  if (contact.username) return `@${contact.username.replace(/^@/, "")}`;
  return contact.phone ?? "Unknown customer";
}

/** Up to two initials for the avatar ("Ada Lovelace" → "AL", "@ada" → "A", "+351…" → "#"). */
export function initials(name: string): string {
  const letters = name
    .replace(/^@/, "")
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0])
    .join("");
  return /^[\p{L}\p{N}]/u.test(letters) && !/^\+?\d/.test(name) ? letters : "#";
}
