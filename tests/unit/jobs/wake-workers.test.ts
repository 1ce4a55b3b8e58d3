// wakeWorkers: after a batch commits the jobs it wrote, this process's workers of the queues it
// feeds are nudged — every idle one, or one busy one (round robin) when all are running a batch.
import type PgBoss from "pg-boss";
import { afterEach, describe, expect, it, vi } from "vitest";
import { clearWorkers, markWorkerBusy, registerWorker, wakeWorkers, wakeWorkersSoon } from "@/lib/jobs/wake-workers";

function fakeBoss() {
  const nudged: string[] = [];
  const boss = { notifyWorker: (id: string) => void nudged.push(id) } as unknown as PgBoss;
  return { boss, nudged };
}

afterEach(() => {
  clearWorkers();
  vi.useRealTimers();
});

describe("wakeWorkers", () => {
  it("nudges every idle worker of the queue and none of another queue", () => {
    const { boss, nudged } = fakeBoss();
    for (const id of ["a1", "a2", "a3"]) registerWorker({ boss, queue: "automations", workerId: id });
    registerWorker({ boss, queue: "message-send", workerId: "s1" });
    markWorkerBusy("a2", true);
    wakeWorkers(["automations"]);
    expect(nudged).toEqual(["a1", "a3"]);
  });

  it("nudges one busy worker in turn when all are busy, and idle ones again once they are done", () => {
    const { boss, nudged } = fakeBoss();
    for (const id of ["a1", "a2"]) {
      registerWorker({ boss, queue: "automations", workerId: id });
      markWorkerBusy(id, true);
    }
    wakeWorkers(["automations"]);
    wakeWorkers(["automations"]);
    wakeWorkers(["automations"]);
    expect(nudged).toEqual(["a1", "a2", "a1"]);
    markWorkerBusy("a2", false);
    wakeWorkers(["automations"]);
    expect(nudged.at(-1)).toBe("a2");
  });

  it("does nothing in a process that runs no workers", () => {
    expect(() => wakeWorkers(["automations"])).not.toThrow();
  });

  it("forgets the workers of a previous pg-boss instance", () => {
    const first = fakeBoss();
    registerWorker({ boss: first.boss, queue: "automations", workerId: "old" });
    const second = fakeBoss();
    registerWorker({ boss: second.boss, queue: "automations", workerId: "new" });
    wakeWorkers(["automations"]);
    expect(first.nudged).toEqual([]);
    expect(second.nudged).toEqual(["new"]);
  });
});

describe("wakeWorkersSoon", () => {
  it("wakes the queue's workers once after the delay, however many jobs were written meanwhile", () => {
    vi.useFakeTimers();
    const { boss, nudged } = fakeBoss();
    registerWorker({ boss, queue: "webhook-process", workerId: "w1" });
    for (let i = 0; i < 50; i++) wakeWorkersSoon(["webhook-process"], 100);
    vi.advanceTimersByTime(99);
    expect(nudged).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(nudged).toEqual(["w1"]);
    // The next job after that schedules the next wake-up.
    wakeWorkersSoon(["webhook-process"], 100);
    vi.advanceTimersByTime(100);
    expect(nudged).toEqual(["w1", "w1"]);
  });

  it("schedules nothing in a process that runs no workers", () => {
    vi.useFakeTimers();
    wakeWorkersSoon(["webhook-process"], 100);
    expect(vi.getTimerCount()).toBe(0);
  });
});
