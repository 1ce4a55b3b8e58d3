import "server-only";
import { z } from "zod";
import { prisma } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";

// The inbox delta cursor. Every write of a Conversation or Message stamps the writing
// transaction's id into `changeXid` (trigger, migration 20261122055136_inbox). A cursor is the
// xmin of a snapshot: every transaction with a smaller id has ended. Reading "rows with
// changeXid >= cursor" after taking the cursor therefore never misses a row, even one committed
// late by a slow transaction that started before faster ones (a plain sequence would skip it);
// at worst a row is returned twice, and clients merge by id.

/**
 * The cursor as a SQL expression. In one statement it names that statement's own snapshot, so
 * a statement that also reads the changed rows takes its cursor "before" reading them.
 */
export const SYNC_CURSOR_SQL = "pg_snapshot_xmin(pg_current_snapshot())::text";

/** A decimal transaction id (xid8), as text. */
export const syncCursorSchema = z.string().regex(/^\d{1,20}$/, "Invalid sync cursor: pass back a syncCursor unchanged");

/**
 * A cursor for "everything that changes from now on". Take it BEFORE reading the rows it will
 * be compared with: then nothing committed between the read and the next poll is missed.
 */
export async function getSyncCursor(): Promise<string> {
  const rows = await prisma.$queryRaw<{ cursor: string }[]>`SELECT ${Prisma.raw(SYNC_CURSOR_SQL)} AS cursor`;
  const cursor = rows[0]?.cursor;
  if (!cursor) throw new Error("pg_current_snapshot() returned nothing");
  return cursor;
}
