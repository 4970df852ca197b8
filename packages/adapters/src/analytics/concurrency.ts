/** Runs `task` for indexes 0..count-1, starting them in order, with at most `concurrency` in flight. */
export async function boundedParallel(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, async () => {
    while (next < count) await task(next++);
  });
  await Promise.all(lanes);
}
