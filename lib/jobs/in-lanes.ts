/** Runs `work` for each item, at most `lanes` at a time, items taken in order. */
export async function inLanes<T>(items: readonly T[], lanes: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(lanes, items.length)) }, lane));
}

/** Anything thrown, as an Error (a job outcome carries one). */
export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
