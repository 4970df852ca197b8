export interface Percentiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile: always a value that was observed, never an interpolation. */
function nearestRank(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil(fraction * sorted.length));
  return sorted[rank - 1] ?? 0;
}

const round2 = (value: number) => Math.round(value * 100) / 100;

export function percentiles(values: readonly number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: round2(nearestRank(sorted, 0.5)),
    p95: round2(nearestRank(sorted, 0.95)),
    p99: round2(nearestRank(sorted, 0.99)),
    max: round2(sorted.at(-1) ?? 0),
  };
}
