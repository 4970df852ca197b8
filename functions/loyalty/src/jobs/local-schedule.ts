import { AppError } from "@cloudcafe/core";
import type { Logger } from "@cloudcafe/observability";
import type { TierRecalculation } from "./tier-recalculation.ts";

/** The first run waits this long after start, so a fresh laptop has tiers without holding up the start itself. */
const FIRST_RUN_DELAY_MS = 5_000;

/**
 * The laptop's stand-in for the EventBridge schedule: a run every `intervalMs` (and one shortly after start); 0
 * schedules nothing (deployed, where EventBridge triggers the run). A run already going elsewhere is skipped.
 */
export function startLocalTierSchedule(recalculation: TierRecalculation, intervalMs: number, logger: Logger) {
  if (intervalMs === 0) return { stop() {} };
  const trigger = () =>
    void recalculation.start("local-schedule").catch((error: unknown) => {
      if (error instanceof AppError && error.code === "CONFLICT") return logger.info("tier recalculation already running; this tick is skipped");
      logger.error("scheduled tier recalculation failed to start", { error });
    });
  const first = setTimeout(trigger, Math.min(FIRST_RUN_DELAY_MS, intervalMs));
  const every = setInterval(trigger, intervalMs);
  first.unref();
  every.unref();
  return {
    stop() {
      clearTimeout(first);
      clearInterval(every);
    },
  };
}
