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
    const pool = new pg.Pool({ connectionString, max: Number(process.env.DATABASE_POOL_SIZE ?? 10), connectionTimeoutMillis: 5000 });
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
};

/** Runs fn in one transaction on one pooled connection; rolls back on any error. */
export async function withPgTransaction<T>(fn: (client: pg.PoolClient) => Promise<T>, { synchronousCommit = true }: PgTransactionOptions = {}): Promise<T> {
  const client = await getPgPool().connect();
  try {
    await client.query(synchronousCommit ? "BEGIN" : "BEGIN; SET LOCAL synchronous_commit TO off");
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
