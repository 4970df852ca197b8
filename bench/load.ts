/** A small closed-loop HTTP load generator: `concurrency` workers, each sending its next request when the last returns. */
export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export async function runLoad(
  request: (i: number) => Promise<Response>,
  options: { requests: number; concurrency: number; expectStatus: number },
): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < options.requests) {
      const i = next++;
      const t0 = performance.now();
      try {
        const res = await request(i);
        await res.arrayBuffer();
        if (res.status !== options.expectStatus) errors++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { requests: options.requests, errors, seconds, rps: options.requests / seconds, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}

/** A number for the tables, `n/a` when there is none. */
/** The positive number after `--<name>` in a bench's arguments, or `fallback`. */
export function positiveArg(args: readonly string[], name: string, fallback: number): number {
  const index = args.indexOf(`--${name}`);
  const parsed = index >= 0 ? Number(args[index + 1]) : Number.NaN;
  return Number.isFinite(parsed) && parsed > 0 ? parsed : fallback;
}

export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");

/** One endpoint's load result as a table row. */
export const loadRow = (name: string, concurrency: number, r: LoadResult) => ({
  endpoint: name,
  concurrency,
  requests: r.requests,
  errors: r.errors,
  "req/s": fmt(r.rps, 0),
  "p50 ms": fmt(r.p50Ms, 2),
  "p99 ms": fmt(r.p99Ms, 2),
});
