import { boundedParallel } from "@cloudcafe/adapters/analytics/concurrency";
import { emptyTierCounts, tiers, type Tier } from "./cores/batch-calculation.ts";
import { sha256Hex } from "./cores/hashing.ts";
import type { StressPool } from "./pool.ts";

export interface BatchRunOptions {
  pool: StressPool;
  records: number;
  /** Records per pool task: large enough to amortise messaging, small enough to spread over the threads. */
  chunkSize?: number;
}

export interface BatchRunReport {
  records: number;
  points: number;
  tierCounts: Record<Tier, number>;
  /** SHA-256 chain over the chunks' audit digests in record order: the same for the same N, whatever the threads. */
  auditDigest: string;
  elapsedMs: number;
  recordsPerSecond: number;
  threads: number;
}

const DEFAULT_CHUNK_SIZE = 5_000;
/** Chunks in flight per thread: one running, one waiting, so no thread idles between chunks. */
const CHUNKS_IN_FLIGHT_PER_THREAD = 2;

/**
 * The Loyalty batch at a fixed size, as fast as the pool allows: records are generated inside the workers from
 * their index and only per-chunk totals come back, so memory stays flat from 10K to 10M records.
 */
export async function calculateBatch(options: BatchRunOptions): Promise<BatchRunReport> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const chunks = Math.ceil(options.records / chunkSize);
  const tierCounts = emptyTierCounts();
  const finishedDigests = new Map<number, string>();
  let nextToChain = 0;
  let auditDigest = "";
  let points = 0;
  const started = performance.now();

  await boundedParallel(chunks, options.pool.threads * CHUNKS_IN_FLIGHT_PER_THREAD, async (chunk) => {
    const from = chunk * chunkSize;
    const result = await options.pool.run({ kind: "batch-chunk", from, count: Math.min(chunkSize, options.records - from) });
    points += result.points;
    for (const tier of tiers) tierCounts[tier] += result.tierCounts[tier];
    finishedDigests.set(chunk, result.auditDigest);
    // Chunks finish out of order; chain them in record order as soon as the next one is in.
    for (let digest = finishedDigests.get(nextToChain); digest !== undefined; digest = finishedDigests.get(nextToChain)) {
      auditDigest = sha256Hex(`${auditDigest}|${digest}`);
      finishedDigests.delete(nextToChain);
      nextToChain += 1;
    }
  });

  const elapsedMs = performance.now() - started;
  return {
    records: options.records,
    points,
    tierCounts,
    auditDigest,
    elapsedMs: Math.round(elapsedMs),
    recordsPerSecond: Math.round(options.records / (elapsedMs / 1000)),
    threads: options.pool.threads,
  };
}
