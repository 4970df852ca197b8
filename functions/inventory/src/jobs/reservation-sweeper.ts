import type { InventoryService } from "@cloudcafe/core";
import { type Logger, type Metrics, newTraceId, withContext } from "@cloudcafe/observability";

export interface ReservationSweeperOptions {
  service: Pick<InventoryService, "releaseExpired">;
  logger: Logger;
  metrics: Metrics;
  intervalMs: number;
}

/**
 * Gives back the stock of reservations held past their timeout (an order whose payment never settled). Every replica
 * runs one: each release is conditional on the reservation still being held, so two sweepers never release twice.
 */
export function reservationSweeper(options: ReservationSweeperOptions) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  /** One pass; how many reservations it released. */
  function sweep(): Promise<number> {
    running ??= withContext({ traceId: newTraceId() }, async () => {
      const released = await options.service.releaseExpired();
      if (released > 0) options.logger.info("released reservations past their timeout", { released });
      options.metrics.put("ReservationsExpired", released, "Count");
      return released;
    }).finally(() => {
      running = undefined;
    });
    return running;
  }

  return {
    sweep,
    start() {
      timer ??= setInterval(() => {
        sweep().catch((error: unknown) => options.logger.warn("reservation sweep failed; the next pass retries", { error }));
      }, options.intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
}
