// Timing and cursor rules of the inbox poll (use-inbox-sync.ts), kept pure for unit tests.

/** The poll interval when all is well (DESIGN.md: the viewer refreshes every 3 seconds). */
export const POLL_MS = 3_000;
/** The longest wait between two polls while the server keeps failing. */
export const MAX_BACKOFF_MS = 30_000;

/**
 * How long to wait before the next poll after `failures` failed polls in a row:
 * 3 s, then 6, 12, 24, and 30 s at most. Success resets `failures` to 0.
 */
export function nextPollDelay(failures: number): number {
  if (failures <= 0) return POLL_MS;
  return Math.min(POLL_MS * 2 ** Math.min(failures, 10), MAX_BACKOFF_MS);
}

export type ConnectionState = "live" | "reconnecting" | "offline";

/** What the hint next to the list says: nothing when live. */
export function describeConnection({ failures, isOnline }: { failures: number; isOnline: boolean }): ConnectionState {
  if (!isOnline) return "offline";
  return failures > 0 ? "reconnecting" : "live";
}

/** Sync cursors are decimal transaction ids (xid8): compared as big integers, never as text. */
export function compareCursors(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The oldest of the cursors (the one every cached source is complete up to), or null when none is known. */
export function oldestCursor(cursors: ReadonlyArray<string | null | undefined>): string | null {
  let oldest: string | null = null;
  for (const cursor of cursors) {
    if (!cursor || !/^\d{1,20}$/.test(cursor)) continue;
    if (oldest === null || compareCursors(cursor, oldest) < 0) oldest = cursor;
  }
  return oldest;
}

/** A cached query the poll keeps current: its key hash, the cursor its data came with, and when it was last written. */
export type SyncSource = { key: string; dataCursor: string | null; updatedAt: number };

/** What the poll remembers per source: the cursor it brought the data up to, at which write. */
export type SyncMark = { cursor: string; updatedAt: number };

/**
 * The `since` for the next poll: for each source, the cursor the poll last brought it up to,
 * unless its data was written since by something else (a refetch), then the cursor that data
 * came with. The oldest of those: every source gets everything it may have missed; a row sent
 * twice merges by id.
 */
export function pickSince(sources: readonly SyncSource[], marks: ReadonlyMap<string, SyncMark>): string | null {
  if (sources.length === 0) return null;
  const cursors = sources.map((source) => {
    const mark = marks.get(source.key);
    return mark && mark.updatedAt === source.updatedAt ? mark.cursor : source.dataCursor;
  });
  if (cursors.some((cursor) => !cursor)) return null;
  return oldestCursor(cursors);
}
