import "server-only";
import type PgBoss from "pg-boss";
import type { SqlClient } from "@/lib/db/pg";
import { getBoss } from "./boss";
import type { QueueName } from "./queues";

export type EnqueueOptions = {
  queue: QueueName;
  data: Record<string, unknown>;
  /** Send inside this transaction: the job exists exactly when the transaction commits. */
  client?: SqlClient;
  startAfter?: Date | number;
  singletonKey?: string;
};

/** Sends a job; with `client` it is written by the caller's transaction. Returns the job id. */
export async function enqueue({ queue, data, client, startAfter, singletonKey }: EnqueueOptions): Promise<string | null> {
  const boss = await getBoss();
  const options: PgBoss.SendOptions = { startAfter, singletonKey };
  if (client) options.db = { executeSql: (text, values) => client.query(text, values) };
  return boss.send(queue, data, options);
}
