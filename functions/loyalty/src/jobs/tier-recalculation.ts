import { randomUUID } from "node:crypto";
import { type Database, recalculateTiers } from "@cloudcafe/adapters";
import { AppError, monthIndex, type TierAggregatesWarehouse, type TierRun, type TierRunStore, type TierRunTrigger, type TierThresholds } from "@cloudcafe/core";
import type { Logger, Metrics } from "@cloudcafe/observability";
import { createTierPool } from "./tier-pool.ts";

export interface TierRecalculationDeps {
  database: Database;
  runs: TierRunStore;
  /** Absent where the stage has no warehouse (the lean profile): the aggregates are not exported. */
  warehouse: TierAggregatesWarehouse | undefined;
  thresholds: TierThresholds;
  chunkRows: number;
  threads?: number | undefined;
  workerFile?: string | undefined;
  logger: Logger;
  metrics: Metrics;
  clock?: () => Date;
}

/**
 * The hourly tier recalculation: one run at a time across every instance (the run store decides), the users streamed
 * through a piscina pool, changed tiers written back, the run stored with its digest, then its aggregates exported.
 */
export function createTierRecalculation(deps: TierRecalculationDeps) {
  const now = deps.clock ?? (() => new Date());
  const inProcess = new Set<Promise<TierRun>>();

  async function execute(runId: string, asOfMonth: number): Promise<TierRun> {
    const started = performance.now();
    const pool = createTierPool({ threads: deps.threads, workerFile: deps.workerFile });
    try {
      const result = await recalculateTiers({
        database: deps.database,
        chunkRows: deps.chunkRows,
        inFlight: pool.threads * 2,
        compute: (rows) => pool.run({ rows, asOfMonth, thresholds: deps.thresholds }),
      });
      await deps.runs.finish(runId, { finishedAt: now().toISOString(), records: result.records, changed: result.changed, digest: result.digest });
      const seconds = (performance.now() - started) / 1000;
      deps.logger.info("tier recalculation finished", { runId, records: result.records, changed: result.changed, digest: result.digest, seconds, threads: pool.threads });
      deps.metrics.put("TierRunRecords", result.records, "Count");
      deps.metrics.put("TierRunChanged", result.changed, "Count");
      deps.metrics.put("TierRunDuration", seconds, "Seconds");
      const run = (await deps.runs.get(runId))!;
      if (deps.warehouse) {
        try {
          await deps.warehouse.write({ runId, startedAt: run.startedAt }, result.aggregates);
          await deps.runs.markExported(runId, now().toISOString());
        } catch (error) {
          // The run stands; the day's row is replaced by the next run's export.
          deps.logger.error("tier aggregates export failed", { runId, error });
          deps.metrics.put("TierAggregatesExportFailed", 1, "Count");
        }
      }
      return (await deps.runs.get(runId))!;
    } catch (error) {
      deps.logger.error("tier recalculation failed", { runId, error });
      await deps.runs.fail(runId, error instanceof Error ? error.message : String(error), now().toISOString());
      return (await deps.runs.get(runId))!;
    } finally {
      await pool.close();
    }
  }

  return {
    /**
     * Starts a run, answering at once: the run as started (it goes on in the background; `finished` waits for it),
     * or the run `runId` already names. Another run in progress anywhere is CONFLICT.
     */
    async start(trigger: TierRunTrigger, runId: string = randomUUID()): Promise<{ run: TierRun; started: boolean; finished: Promise<TierRun> }> {
      const startedAt = now();
      const begun = await deps.runs.begin({ runId, trigger, asOfMonth: monthIndex(startedAt), startedAt: startedAt.toISOString() });
      if (!begun.started) {
        if (begun.existing) return { run: begun.existing, started: false, finished: Promise.resolve(begun.existing) };
        throw new AppError("CONFLICT", "A tier recalculation is already running");
      }
      // The run as begun, read before it goes on (a small population can finish before a later read).
      const run = (await deps.runs.get(runId))!;
      const finished = execute(runId, monthIndex(startedAt));
      inProcess.add(finished);
      void finished.finally(() => inProcess.delete(finished));
      return { run, started: true, finished };
    },

    /** Waits for the runs this process is executing (shutdown). */
    async settled(): Promise<void> {
      await Promise.allSettled([...inProcess]);
    },
  };
}

export type TierRecalculation = ReturnType<typeof createTierRecalculation>;
