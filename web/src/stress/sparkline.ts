import type { CpuSample } from "../api/types.ts";

export interface SparklineBox {
  width: number;
  height: number;
}

const round1 = (value: number) => Math.round(value * 10) / 10;
const clamp01 = (value: number) => Math.min(1, Math.max(0, value));

/** The y coordinate of a CPU fraction: 0 at the bottom, the whole allowance (or more) at the top. */
export function cpuToY(cpu: number, box: SparklineBox): number {
  return round1(box.height - clamp01(cpu) * box.height);
}

/**
 * SVG polyline points for a run's per-second CPU samples. The x axis spans the run's whole duration, so the line
 * grows left to right as the run progresses and a finished run fills the box.
 */
export function sparklinePoints(samples: readonly CpuSample[], durationSeconds: number, box: SparklineBox): string {
  const span = Math.max(durationSeconds, samples.at(-1)?.second ?? 0, 1);
  return samples.map((sample) => `${round1((clamp01(sample.second / span)) * box.width)},${cpuToY(sample.cpu, box)}`).join(" ");
}
