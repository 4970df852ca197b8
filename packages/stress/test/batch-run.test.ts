import { describe, expect, it } from "vitest";
import { fixedAllowance } from "../src/allowance.ts";
import { calculateBatch } from "../src/batch-run.ts";
import { calculateBatchChunk } from "../src/cores/batch-calculation.ts";
import { sha256Hex } from "../src/cores/hashing.ts";
import { createStressPool } from "../src/pool.ts";

const RECORDS = 12_000;
const CHUNK = 1_000;

/** The same batch computed chunk by chunk on this thread. */
function sequentialAudit(): { digest: string; points: number } {
  let digest = "";
  let points = 0;
  for (let from = 0; from < RECORDS; from += CHUNK) {
    const chunk = calculateBatchChunk(from, CHUNK);
    digest = sha256Hex(`${digest}|${chunk.auditDigest}`);
    points += chunk.points;
  }
  return { digest, points };
}

describe("calculateBatch", () => {
  it("gives the same totals and audit chain on one thread and on two, and reports records/s", async () => {
    const expected = sequentialAudit();
    for (const cores of [1, 2]) {
      const pool = createStressPool({ allowance: fixedAllowance(cores) });
      try {
        const report = await calculateBatch({ pool, records: RECORDS, chunkSize: CHUNK });
        expect(report).toMatchObject({ records: RECORDS, threads: cores, auditDigest: expected.digest, points: expected.points });
        expect(Object.values(report.tierCounts).reduce((sum, count) => sum + count, 0)).toBe(RECORDS);
        expect(report.recordsPerSecond).toBeGreaterThan(0);
      } finally {
        await pool.close();
      }
    }
  });

  it("handles a last chunk shorter than the others", async () => {
    const pool = createStressPool({ allowance: fixedAllowance(1) });
    try {
      const report = await calculateBatch({ pool, records: 2_500, chunkSize: 1_000 });
      expect(Object.values(report.tierCounts).reduce((sum, count) => sum + count, 0)).toBe(2_500);
    } finally {
      await pool.close();
    }
  });
});
