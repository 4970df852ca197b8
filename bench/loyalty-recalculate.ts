/**
 * One tier recalculation in a process of its own, for bench/loyalty.ts, which runs it bundled (esbuild, piscina
 * external, the tier worker bundled beside it: as the instance runs the service) with `node recalculate.mjs
 * <database url> [threads]`. Prints the result and the process's peak RSS (worker threads included) as one JSON line.
 */
import { createDatabase } from "@cloudcafe/adapters/postgres/client";
import { recalculateTiers } from "@cloudcafe/adapters/loyalty/postgres-tier-batch";
import { monthIndex } from "@cloudcafe/core/loyalty/points";
import { createTierPool } from "../functions/loyalty/src/jobs/tier-pool.ts";

export const BENCH_THRESHOLDS = { BRONZE: 0, SILVER: 500, GOLD: 2_000, PLATINUM: 5_000 } as const;
export const BENCH_CHUNK_ROWS = 20_000;

if (import.meta.url === `file://${process.argv[1]}`) {
  const [url, threads] = process.argv.slice(2);
  const database = createDatabase(url!, { max: 2 });
  const pool = createTierPool({ threads: threads ? Number(threads) : undefined, workerFile: process.env.LOYALTY_BATCH_WORKER_FILE });
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 100);
  const started = performance.now();
  const result = await recalculateTiers({
    database,
    chunkRows: BENCH_CHUNK_ROWS,
    inFlight: pool.threads * 2,
    compute: (rows) => pool.run({ rows, asOfMonth: monthIndex(new Date()), thresholds: BENCH_THRESHOLDS }),
  });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  await pool.close();
  await database.end();
  const { aggregates: _, ...run } = result;
  process.stdout.write(`${JSON.stringify({ ...run, seconds, threads: pool.threads, peakRssKb: process.resourceUsage().maxRSS, sampledPeakRssKb: Math.round(peakRss / 1024) })}\n`);
}
