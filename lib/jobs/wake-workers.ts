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
//
// Which worker: every idle one. A worker that ran a batch sleeps out the polling interval unless
// nudged, so nudging only a busy worker (it refetches when its batch ends) while another sleeps
// leaves the jobs waiting for that batch. (bench:flows at 100 msg/s showed no measurable change:
// there, the wait comes from bursts — one ingestion batch writes tens of automation jobs at once.)

const globalForWake = globalThis as unknown as {
  switchboardWake?: { boss: PgBoss; workers: Map<string, string[]>; turn: Map<string, number>; busy: Set<string> };
};

/** Which queues a finished batch of `queue` may have written jobs to. */
export const DOWNSTREAM_QUEUES: Partial<Record<QueueName, readonly QueueName[]>> = {
  "webhook-process": ["automations"],
  automations: ["message-send", "comment-reply", "flow-wake"],
  "flow-wake": ["message-send", "comment-reply", "flow-wake"],
  // message-send wakes its own workers only when it queued a waiting successor (send-message.ts).
};

/** Records a started worker of this process so wakeWorkers() can nudge it. */
export function registerWorker({ boss, queue, workerId }: { boss: PgBoss; queue: QueueName; workerId: string }) {
  const state = (globalForWake.switchboardWake ??= { boss, workers: new Map(), turn: new Map(), busy: new Set() });
  if (state.boss !== boss) {
    // A new pg-boss instance (restarted workers): the old worker ids are gone with the old one.
    state.boss = boss;
    state.workers.clear();
    state.busy.clear();
  }
  state.workers.set(queue, [...(state.workers.get(queue) ?? []), workerId]);
}

/** Records that a worker of this process is running a batch (true) or is back to waiting (false). */
export function markWorkerBusy(workerId: string, busy: boolean) {
  const state = globalForWake.switchboardWake;
  if (!state) return;
  if (busy) state.busy.add(workerId);
  else state.busy.delete(workerId);
}

/** Forgets every registered worker (the workers stopped). */
export function clearWorkers() {
  globalForWake.switchboardWake = undefined;
}

/**
 * Nudges this process's workers of each queue to fetch now: every idle one, or — when all are
 * running a batch — one of them (round robin), which then fetches as soon as its batch ends.
 * Call it only after the transaction that wrote the jobs committed. A no-op when this process
 * runs no workers (web server with RUN_WORKERS=false): the workers elsewhere find the jobs on
 * their next poll.
 */
export function wakeWorkers(queues: readonly QueueName[]) {
  const state = globalForWake.switchboardWake;
  if (!state) return;
  for (const queue of queues) {
    const ids = state.workers.get(queue);
    if (!ids || ids.length === 0) continue;
    const idle = ids.filter((id) => !state.busy.has(id));
    let targets = idle;
    if (targets.length === 0) {
      const turn = state.turn.get(queue) ?? 0;
      state.turn.set(queue, turn + 1);
      targets = [ids[turn % ids.length]!];
    }
    for (const id of targets) {
      try {
        state.boss.notifyWorker(id);
      } catch {
        // A worker stopping right now: its jobs are found by the next poll.
      }
    }
  }
}


/**
 * wakeWorkers after a short delay, at most once per delay and queue: for jobs written one at a
 * time at a high rate (a webhook per request). The worker then takes what arrived meanwhile as
 * one batch (ingestion is set-based: bigger batches cost less per event), and the first job of a
 * quiet moment starts within the delay instead of the polling interval (0.5 s).
 */
export function wakeWorkersSoon(queues: readonly QueueName[], delayMs = WAKE_SOON_MS) {
  if (!globalForWake.switchboardWake || delayMs < 0) return;
  for (const queue of queues) {
    if (pendingWakes.has(queue)) continue;
    pendingWakes.add(queue);
    setTimeout(() => {
      pendingWakes.delete(queue);
      wakeWorkers([queue]);
    }, delayMs).unref();
  }
}

const WAKE_SOON_MS = Number(process.env.WEBHOOK_WAKE_DELAY_MS ?? 100);
const pendingWakes = new Set<QueueName>();
