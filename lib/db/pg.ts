import "server-only";
import pg from "pg";
import { isEmbeddedDatabaseUrl } from "./embedded-url";

// A plain `pg` pool for the few hot paths where Prisma's interactive transactions cost too much
// (webhook ingestion: one INSERT + one job in one transaction) and for pg-boss.

const globalForPg = globalThis as unknown as { switchboardPgPool?: pg.Pool };

export function getPgPool(): pg.Pool {
  if (!globalForPg.switchboardPgPool) {
    const connectionString = process.env.DATABASE_URL;
    if (!connectionString) throw new Error("DATABASE_URL is not set");
    // Job workers run flow transactions side by side (lib/jobs/registry.ts): 30 connections on
    // PostgreSQL; the embedded database serves one statement at a time, so 10 there.
    const max = Number(process.env.DATABASE_POOL_SIZE ?? (isEmbeddedDatabaseUrl(connectionString) ? 10 : 30));
    const pool = new pg.Pool({ connectionString, max, connectionTimeoutMillis: 5000 });
    // An idle client that loses its connection must not crash the process.
    pool.on("error", () => undefined);
    globalForPg.switchboardPgPool = pool;
  }
  return globalForPg.switchboardPgPool;
}

export type SqlClient = pg.PoolClient;

/**
 * A query that runs as a named prepared statement: parsed and planned once per connection
 * instead of on every call (on the webhook acknowledgement that is ~40% of the database's CPU).
 * Unnamed on the embedded database, whose connections share one session (names would collide).
 */
export function preparedQuery(name: string, text: string, values: unknown[]): pg.QueryConfig {
  return isEmbeddedDatabaseUrl(process.env.DATABASE_URL) ? { text, values } : { name, text, values };
}

export type PgTransactionOptions = {
  /**
   * false: COMMIT returns before the WAL is flushed to disk (synchronous_commit off for this
   * transaction only). Only for work that a later synchronous commit confirms anyway, such as a
   * job's effects before pg-boss marks the job completed: WAL is flushed in order, so once that
   * completion is durable, so is this; if the server crashes before, the job runs again.
   */
  synchronousCommit?: boolean;
  /**
   * Takes this transaction-scoped advisory lock (pg_advisory_xact_lock of the key's 64-bit hash)
   * in the same round trip as BEGIN.
   */
  advisoryLock?: string;
};

/**
 * The end of a transaction, chosen by the work inside it. `commitWith(sql)` runs `sql` in the
 * SAME round trip as COMMIT (one simple-protocol query: literal values only, built with
 * escapeSql* below), so row locks it takes are held for its execution and the commit only —
 * not for a round trip to this process and back, which costs an event-loop turn under load.
 * For the writes to rows every transaction of a tenant shares (counters, balances). If `sql`
 * fails, nothing commits and `mapError` turns the database error into the caller's error.
 */
export type TransactionEnd = { commitWith: (sql: string, mapError?: (error: unknown) => Error) => void };

/** Runs fn in one transaction on one pooled connection; rolls back on any error. */
export async function withPgTransaction<T>(
  fn: (client: pg.PoolClient, end: TransactionEnd) => Promise<T>,
  { synchronousCommit = true, advisoryLock }: PgTransactionOptions = {},
): Promise<T> {
  const client = await getPgPool().connect();
  let finalSql: string | null = null;
  let mapFinalError: ((error: unknown) => Error) | undefined;
  const end: TransactionEnd = {
    commitWith: (sql, mapError) => {
      finalSql = finalSql ? `${finalSql};\n${sql}` : sql;
      mapFinalError = mapError ?? mapFinalError;
    },
  };
  try {
    const begin = [
      "BEGIN",
      ...(synchronousCommit ? [] : ["SET LOCAL synchronous_commit TO off"]),
      ...(advisoryLock === undefined ? [] : [`SELECT pg_advisory_xact_lock(hashtextextended(${escapeSqlText(advisoryLock)}, 0))`]),
    ];
    await client.query(begin.join("; "));
    const result = await fn(client, end);
    if (finalSql) {
      try {
        await client.query(`${finalSql};\nCOMMIT`);
      } catch (error) {
        throw mapFinalError ? mapFinalError(error) : error;
      }
    } else {
      await client.query("COMMIT");
    }
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** A string as an SQL literal ('it''s'), for commitWith's literal-only SQL. */
export function escapeSqlText(value: string): string {
  return pg.escapeLiteral(value);
}

/** escapeSqlText, or NULL for a missing value. */
export function escapeSqlTextOrNull(value: string | null | undefined): string {
  return value === null || value === undefined ? "NULL" : pg.escapeLiteral(value);
}

/** A text[] literal: ARRAY['a','b']::text[]. */
export function escapeSqlTextArray(values: readonly string[]): string {
  return `ARRAY[${values.map((value) => pg.escapeLiteral(value)).join(",")}]::text[]`;
}

/** An int[] literal from integers (anything else throws: nothing unchecked reaches the SQL). */
export function escapeSqlIntArray(values: readonly number[]): string {
  for (const value of values) if (!Number.isSafeInteger(value)) throw new Error(`Not an integer: ${value}`);
  return `ARRAY[${values.join(",")}]::int[]`;
}
