import { createHash } from "node:crypto";
import type { TierAggregate } from "@cloudcafe/core";
import type { Database } from "../postgres/client.ts";
import { addAggregates, emptyAggregates, TIER_BATCH_COLUMNS, type TierChunkResult } from "./tier-chunk.ts";

export interface TierBatchOptions {
  database: Database;
  /** Rows per chunk: fixed for a run, so the run's digest is the same whatever the thread count. */
  chunkRows: number;
  /** Runs one chunk's core (on a pool thread). */
  compute: (rows: Uint8Array) => Promise<TierChunkResult>;
  /** Chunks being computed at once (two per thread keeps every thread busy). */
  inFlight: number;
  /** Told after each chunk is settled (progress logs, cancellation checks). */
  onChunk?: (progress: { records: number; changed: number }) => void;
}

export interface TierBatchResult {
  records: number;
  /** Rows whose tier was written back (a row an accrual changed meanwhile is left to the accrual's own tier). */
  changed: number;
  /** SHA-256 chained over the chunks' digests in customer order. */
  digest: string;
  aggregates: TierAggregate[];
}

interface Chunk {
  bytes: Buffer;
  rows: number;
  lastCustomerId: string;
}

/**
 * The next `limit` users after `after` in customer order, as one text of COPY-style lines that PostgreSQL formats
 * itself (read as text, so no row objects are made here). Keyset pages (an index range scan each) are the cursor: memory
 * holds a chunk at a time, no transaction stays open for the run, and every chunk has exactly `limit` rows but the
 * last.
 */
async function readChunk({ pool }: Database, after: string, limit: number): Promise<Chunk> {
  const result = await pool.query<[string, string | null, string | null]>({
    text: `SELECT count(*)::int AS rows, max(customer_id) AS last, string_agg(line, '' ORDER BY customer_id) AS lines
      FROM (
        SELECT customer_id, concat_ws(E'\\t', ${TIER_BATCH_COLUMNS.join(", ")}) || E'\\n' AS line
        FROM users WHERE customer_id > $1 ORDER BY customer_id LIMIT $2
      ) AS page`,
    values: [after, limit],
    rowMode: "array",
    // Every column as the text PostgreSQL sent: the lines go to the pool thread as bytes, not parsed values.
    types: { getTypeParser: () => (text: string) => text },
  });
  const [rows, last, lines] = result.rows[0]!;
  return { rows: Number(rows), lastCustomerId: last ?? after, bytes: lines === null ? Buffer.alloc(0) : Buffer.from(lines, "utf8") };
}

/** Writes the changed tiers back, each only over the row version it was computed from. */
async function writeBack({ pool }: Database, changed: TierChunkResult["changed"]): Promise<number> {
  if (changed.customerIds.length === 0) return 0;
  const result = await pool.query(
    `UPDATE users AS u SET tier = c.tier, tier_updated_at = now()
    FROM unnest($1::text[], $2::text[], $3::int[]) AS c(customer_id, tier, version)
    WHERE u.customer_id = c.customer_id AND u.version = c.version AND u.tier <> c.tier`,
    [changed.customerIds, changed.tiers, changed.versions],
  );
  return result.rowCount ?? 0;
}

/**
 * Recalculates every user's tier: streams the users out in chunks, computes them on the pool (`compute`), chains the
 * chunks' digests in order and writes back the tiers that changed, with at most `inFlight` chunks in memory.
 */
export async function recalculateTiers(options: TierBatchOptions): Promise<TierBatchResult> {
  const aggregates = emptyAggregates();
  const pending: Promise<TierChunkResult>[] = [];
  let digest = "";
  let records = 0;
  let changed = 0;

  const settle = async (result: TierChunkResult) => {
    records += result.records;
    addAggregates(aggregates, result.aggregates);
    digest = createHash("sha256").update(`${digest}|${result.digest}`).digest("hex");
    changed += await writeBack(options.database, result.changed);
    options.onChunk?.({ records, changed });
  };

  try {
    // Every customer id sorts after the empty string.
    let after = "";
    for (;;) {
      const chunk = await readChunk(options.database, after, options.chunkRows);
      if (chunk.rows === 0) break;
      after = chunk.lastCustomerId;
      const computing = options.compute(chunk.bytes);
      // Settled in order below; a failure is rethrown there, not reported as unhandled meanwhile.
      computing.catch(() => undefined);
      pending.push(computing);
      if (pending.length >= options.inFlight) await settle(await pending.shift()!);
      if (chunk.rows < options.chunkRows) break;
    }
    while (pending.length > 0) await settle(await pending.shift()!);
  } finally {
    await Promise.allSettled(pending);
  }
  return { records, changed, digest, aggregates };
}
