import { sleep } from "@cloudcafe/core/sleep";
import type { WorkUnit } from "./cores/units.ts";
import type { StressPool } from "./pool.ts";

export interface CpuSample {
  /** Seconds since the run started (1 for the first full second). */
  second: number;
  /** Process CPU over that second, as a fraction of the process allowance. */
  cpu: number;
  /** Share of each period the worker threads were asked to be busy (above 1 while catching up a CPU debt). */
  duty: number;
}

export interface CpuTargetOptions {
  pool: StressPool;
  unit: WorkUnit;
  /** Fraction of the process allowance, in (0, 1]. */
  targetCpu: number;
  durationSeconds: number;
  signal?: AbortSignal;
  onSample?: (sample: CpuSample) => void;
  /** Control period; each period every thread gets one slice of work. */
  periodMs?: number;
}

export interface CpuRunReport {
  targetCpu: number;
  /** Process CPU over the whole run as a fraction of the allowance. */
  achievedCpu: number;
  allowanceCores: number;
  threads: number;
  elapsedSeconds: number;
  units: number;
  samples: CpuSample[];
  stoppedBy: "duration" | "cancelled";
}

const DEFAULT_PERIOD_MS = 100;
/** Share of the accumulated CPU debt paid back per period: fast enough to converge in a second or two, without ringing. */
const DEBT_GAIN = 0.5;
/** Debt older than this much CPU time is forgiven, so a run that was starved (noisy neighbour) does not burst later. */
const DEBT_WINDOW_MS = 1000;
/** A slice may stretch past the period when catching up, so a 100% target is not capped by dispatch gaps. */
const MAX_SLICE_STRETCH = 1.5;
/** Distance between the first seeds of concurrent slices (prime, so threads rarely meet on the same items). */
const THREAD_SEED_SPACING = 4_999;
/** Below this a slice costs more in messaging than it does in work. */
const MIN_SLICE_MS = 0.5;

const cpuMillis = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));
const round3 = (value: number) => Math.round(value * 1000) / 1000;

/**
 * Holds the process at `targetCpu` of its allowance for `durationSeconds`. The worker threads do the work in
 * slices; this loop (on the event loop, but only scheduling) measures process CPU after every period — workers are
 * threads of this process, so `process.cpuUsage()` includes them — and sizes the next slices to pay back the
 * difference between the CPU the target called for and the CPU actually used, so the run's average converges
 * whatever the per-slice overheads are.
 */
export async function runAtCpuTarget(options: CpuTargetOptions): Promise<CpuRunReport> {
  const { pool, unit, targetCpu, signal } = options;
  const periodMs = options.periodMs ?? DEFAULT_PERIOD_MS;
  const cores = pool.allowance.cores;
  const threads = pool.threads;
  const durationMs = options.durationSeconds * 1000;
  const samples: CpuSample[] = [];

  const startWall = performance.now();
  const startCpu = cpuMillis();
  let lastWall = startWall;
  let lastCpu = startCpu;
  let second = { wall: startWall, cpu: startCpu, busyMs: 0, periods: 0 };
  let debtMs = 0;
  let units = 0;

  const closeSecond = (wall: number, cpu: number) => {
    const sample = {
      second: samples.length + 1,
      cpu: round3((cpu - second.cpu) / ((wall - second.wall) * cores)),
      duty: round3(second.busyMs / Math.max(1, second.periods * periodMs)),
    };
    samples.push(sample);
    options.onSample?.(sample);
    second = { wall, cpu, busyMs: 0, periods: 0 };
  };

  while (!signal?.aborted) {
    const periodStart = performance.now();
    const remainingMs = durationMs - (periodStart - startWall);
    if (remainingMs <= 0) break;
    const wantMs = targetCpu * cores * periodMs + DEBT_GAIN * debtMs;
    const busyMs = Math.min(clamp(wantMs / threads, 0, periodMs * MAX_SLICE_STRETCH), remainingMs);
    if (busyMs >= MIN_SLICE_MS) {
      // Seeds move on with the work done, so a long run walks through the scenario's whole data set (10K SKUs,
      // 10K menu items, the customer records) instead of repeating its start; threads start apart from each other.
      const slices = await Promise.all(
        Array.from({ length: threads }, (_, thread) => pool.run({ kind: "slice", unit, busyMs, firstSeed: units + thread * THREAD_SEED_SPACING })),
      );
      for (const slice of slices) units += slice.units;
    }
    // A cancel cuts the pause short; the loop then closes the run.
    await sleep(Math.min(periodMs - (performance.now() - periodStart), remainingMs), signal).catch(() => undefined);

    const wall = performance.now();
    const cpu = cpuMillis();
    debtMs = clamp(debtMs + targetCpu * cores * (wall - lastWall) - (cpu - lastCpu), -cores * DEBT_WINDOW_MS, cores * DEBT_WINDOW_MS);
    lastWall = wall;
    lastCpu = cpu;
    second.busyMs += busyMs;
    second.periods += 1;
    if (wall - second.wall >= 1000) closeSecond(wall, cpu);
  }

  const endWall = performance.now();
  const endCpu = cpuMillis();
  // A trailing part-second still counts in the average; it only becomes a sample when it is long enough to mean something.
  if (endWall - second.wall >= 500) closeSecond(endWall, endCpu);
  return {
    targetCpu,
    achievedCpu: round3((endCpu - startCpu) / ((endWall - startWall) * cores)),
    allowanceCores: cores,
    threads,
    elapsedSeconds: round3((endWall - startWall) / 1000),
    units,
    samples,
    stoppedBy: signal?.aborted ? "cancelled" : "duration",
  };
}
