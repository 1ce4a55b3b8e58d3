/** Instagram profiles (name, picture, followers) are cached this long before a refetch. */
export const PROFILE_TTL_MS = 24 * 60 * 60 * 1000;

export function needsProfileRefresh(fetchedAt: Date | null, now = Date.now()): boolean {
  return !fetchedAt || now - fetchedAt.getTime() > PROFILE_TTL_MS;
}
