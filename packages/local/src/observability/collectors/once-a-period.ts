/**
 * When the local collectors sample: once in each local alarm period (a CloudWatch minute is LOCAL_PERIOD_SECONDS
 * here), at its middle, as SQS, RDS and ElastiCache publish these metrics once a minute; the sink's alarm evaluation
 * runs the same way, just after each period ends, as CloudWatch evaluates an alarm once a period. Each sample is scheduled
 * from the clock, not from the one before, so timers that run late never leave a period without its datapoint nor
 * give one two; a sample still running when the next is due makes that one wait for the period after.
 */
import { LOCAL_PERIOD_SECONDS } from "@cloudcafe/catalog";

export const LOCAL_PERIOD_MS = LOCAL_PERIOD_SECONDS * 1_000;

/** The point `offsetMs` into the period `now` is in while it is still ahead, else the same point of the next period. */
export function nextPeriodPoint(now: number, periodMs = LOCAL_PERIOD_MS, offsetMs = periodMs / 2): number {
  const point = Math.floor(now / periodMs) * periodMs + offsetMs;
  return point > now ? point : point + periodMs;
}

export interface PeriodSchedule {
  readonly periodMs?: number;
  /** How far into each period it runs (default: the middle). */
  readonly offsetMs?: number;
}

/** Runs `task` now, then once in every period, `offsetMs` into it; `stop()` ends it. */
export function sampleOncePerPeriod(task: () => void | Promise<void>, schedule: PeriodSchedule = {}): { stop(): void } {
  const periodMs = schedule.periodMs ?? LOCAL_PERIOD_MS;
  const offsetMs = schedule.offsetMs ?? periodMs / 2;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const periodOf = (t: number) => Math.floor(t / periodMs);
  /** The next such point in a period after the one the last run started in. */
  const next = (lastStartedAt: number) => {
    if (stopped) return;
    let at = nextPeriodPoint(Date.now(), periodMs, offsetMs);
    if (periodOf(at) === periodOf(lastStartedAt)) at += periodMs;
    timer = setTimeout(run, at - Date.now());
    timer.unref();
  };
  const run = () => {
    const startedAt = Date.now();
    void Promise.resolve()
      .then(task)
      .finally(() => next(startedAt));
  };
  run();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
