/**
 * When the local collectors sample: once in each local alarm period (a CloudWatch minute is LOCAL_PERIOD_SECONDS
 * here), at its middle, as SQS, RDS and ElastiCache publish these metrics once a minute. Each sample is scheduled
 * from the clock, not from the one before, so timers that run late never leave a period without its datapoint nor
 * give one two; a sample still running when the next is due makes that one wait for the period after.
 */
import { LOCAL_PERIOD_SECONDS } from "@cloudcafe/catalog";

export const LOCAL_PERIOD_MS = LOCAL_PERIOD_SECONDS * 1_000;

/** The middle of the period after the one `now` is in, or of this one while its middle is still ahead. */
export function nextPeriodMiddle(now: number, periodMs = LOCAL_PERIOD_MS): number {
  const middle = Math.floor(now / periodMs) * periodMs + periodMs / 2;
  return middle > now ? middle : middle + periodMs;
}

/** Runs `sample` now, then at the middle of every period; `stop()` ends it. */
export function sampleOncePerPeriod(sample: () => Promise<void>, periodMs = LOCAL_PERIOD_MS, clock: () => number = Date.now): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const periodOf = (t: number) => Math.floor(t / periodMs);
  /** The next middle in a period after the one the last sample started in. */
  const schedule = (lastStartedAt: number) => {
    if (stopped) return;
    let next = nextPeriodMiddle(clock(), periodMs);
    if (periodOf(next) === periodOf(lastStartedAt)) next += periodMs;
    timer = setTimeout(run, next - clock());
    timer.unref();
  };
  const run = () => {
    const startedAt = clock();
    void sample().finally(() => schedule(startedAt));
  };
  run();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
