import "server-only";
import type { SqlClient } from "@/lib/db/pg";
import { getJobSchema } from "./boss";
import type { QueueName } from "./queues";

export type InsertJobsOptions = {
  /** The caller's transaction: the jobs exist exactly when it commits. */
  client: Pick<SqlClient, "query">;
  queue: QueueName;
  jobs: { data: object; startAfter?: Date }[];
};

const statements = new Map<string, string>();

/**
 * Writes jobs as pg-boss 10's send() would (the queue's retry, expiry, retention and dead-letter
 * settings; retention counted from startAfter, like send()), in ONE statement with the caller's
 * connection, and without this process's pg-boss instance. That makes it safe inside a
 * transaction at any moment: getBoss() called while the workers shut down starts a new
 * instance, whose connections the embedded database cannot serve while the transaction is open.
 * Jobs of one call keep their order (created_on grows by a microsecond each: fetch orders by
 * created_on, then by a random id). The queue must exist (any process that started pg-boss
 * created it); otherwise the statement, and the caller's transaction, fail.
 */
export async function insertJobs({ client, queue, jobs }: InsertJobsOptions): Promise<void> {
  if (jobs.length === 0) return;
  await client.query(insertJobsSql(getJobSchema()), [
    queue,
    jobs.map((job) => JSON.stringify(job.data)),
    jobs.map((job) => job.startAfter?.toISOString() ?? null),
  ]);
}

function insertJobsSql(schema: string): string {
  let sql = statements.get(schema);
  if (!sql) {
    sql = `
      INSERT INTO ${schema}.job (id, name, data, priority, start_after, created_on, dead_letter, expire_in, keep_until, retry_limit, retry_delay, retry_backoff, policy)
      SELECT gen_random_uuid(), $1::text, j.data, 0, COALESCE(j.start_after, now()), now() + j.position * interval '1 microsecond', q.dead_letter,
        COALESCE(q.expire_seconds * interval '1s', interval '15 minutes'),
        COALESCE(j.start_after, now()) + COALESCE((q.retention_minutes * 60)::text, '14 days')::interval,
        COALESCE(q.retry_limit, 2),
        CASE WHEN COALESCE(q.retry_backoff, false) THEN GREATEST(COALESCE(q.retry_delay, 0), 1) ELSE COALESCE(q.retry_delay, 0) END,
        COALESCE(q.retry_backoff, false),
        q.policy
      FROM unnest($2::jsonb[], $3::timestamptz[]) WITH ORDINALITY AS j(data, start_after, position)
      LEFT JOIN ${schema}.queue q ON q.name = $1::text`;
    statements.set(schema, sql);
  }
  return sql;
}
