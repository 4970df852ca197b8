/**
 * Coalesces concurrent calls per key: while a call for a key is in flight, later callers for that key share its
 * promise instead of starting their own. Used where a cold cache would otherwise send every concurrent request to
 * the database (a cache stampede); per process, so N replicas make at most N loads.
 */
export function singleFlight<T>() {
  const inFlight = new Map<string, Promise<T>>();
  return (key: string, work: () => Promise<T>): Promise<T> => {
    const running = inFlight.get(key);
    if (running) return running;
    const started = work().finally(() => inFlight.delete(key));
    inFlight.set(key, started);
    return started;
  };
}
