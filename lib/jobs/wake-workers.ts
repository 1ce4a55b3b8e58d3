import "server-only";
import type PgBoss from "pg-boss";
import type { QueueName } from "./queues";

// In-process wake-up of job workers. pg-boss workers poll (pollingIntervalSeconds, 0.5 s here):
// a job written by this process waits up to one interval before its worker looks, and an inbound
// message crosses three queues before a flow's reply reaches the provider (webhook-process →
// automations → message-send), so polling alone adds up to 1.5 s. When a batch finishes, the
// jobs it wrote are committed: this process's workers of the queues it feeds are nudged to fetch
// at once (pg-boss notifyWorker cuts the worker's wait short). Nothing is lost when a nudge is
// missed: the jobs are rows in the database and the next poll finds them, so durability and
// multi-process operation are unchanged — only the latency inside one process improves.

const globalForWake = globalThis as unknown as { switchboardWake?: { boss: PgBoss; workers: Map<string, string[]>; turn: Map<string, number> } };

/** Which queues a finished batch of `queue` may have written jobs to. */
export const DOWNSTREAM_QUEUES: Partial<Record<QueueName, readonly QueueName[]>> = {
  "webhook-process": ["automations"],
  automations: ["message-send", "comment-reply", "flow-wake"],
  "flow-wake": ["message-send", "comment-reply", "flow-wake"],
  // message-send wakes its own workers only when it queued a waiting successor (send-message.ts).
};

/** Records a started worker of this process so wakeWorkers() can nudge it. */
export function registerWorker({ boss, queue, workerId }: { boss: PgBoss; queue: QueueName; workerId: string }) {
  const state = (globalForWake.switchboardWake ??= { boss, workers: new Map(), turn: new Map() });
  if (state.boss !== boss) {
    // A new pg-boss instance (restarted workers): the old worker ids are gone with the old one.
    state.boss = boss;
    state.workers.clear();
  }
  state.workers.set(queue, [...(state.workers.get(queue) ?? []), workerId]);
}

/** Forgets every registered worker (the workers stopped). */
export function clearWorkers() {
  globalForWake.switchboardWake = undefined;
}

/**
 * Nudges one of this process's workers of each queue (round robin) to fetch now. Call it only
 * after the transaction that wrote the jobs committed. A no-op when this process runs no workers
 * (web server with RUN_WORKERS=false): the workers elsewhere find the jobs on their next poll.
 */
export function wakeWorkers(queues: readonly QueueName[]) {
  const state = globalForWake.switchboardWake;
  if (!state) return;
  for (const queue of queues) {
    const ids = state.workers.get(queue);
    if (!ids || ids.length === 0) continue;
    const turn = state.turn.get(queue) ?? 0;
    state.turn.set(queue, turn + 1);
    try {
      state.boss.notifyWorker(ids[turn % ids.length]!);
    } catch {
      // A worker stopping right now: its jobs are found by the next poll.
    }
  }
}
