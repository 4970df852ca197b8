import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedAllowance } from "../src/allowance.ts";
import { runQueryStorm, type QueryStormOptions } from "../src/cores/query-storm.ts";
import { createStressPool, type StressPool } from "../src/pool.ts";

/** The local PostgreSQL (trust auth); the storm only touches its own `stress_analytics` schema. */
const DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cloudcafe";
const storm: QueryStormOptions = { databaseUrl: DATABASE_URL, queries: 8, concurrency: 4, rowsPerQuery: 5_000, tableRows: 20_000 };

/** Revenue the reports must add up to, from the generator's formula for `amount_cents` of row i. */
function expectedRevenue(options: QueryStormOptions): number {
  let total = 0;
  for (let query = 0; query < options.queries; query += 1) {
    const first = (query * options.rowsPerQuery) % (options.tableRows - options.rowsPerQuery + 1);
    for (let row = first; row < first + options.rowsPerQuery; row += 1) total += 250 + ((row * 13) % 600);
  }
  return total;
}

let pool: StressPool;
beforeAll(() => {
  pool = createStressPool({ allowance: fixedAllowance(1) });
});
afterAll(() => pool.close());

describe("query storm against PostgreSQL", () => {
  it("runs concurrent large queries, processes every row and reports percentiles", async () => {
    const report = await runQueryStorm(storm);
    expect(report).toMatchObject({ queries: 8, failed: 0, rowsProcessed: 40_000, revenueCents: expectedRevenue(storm) });
    expect(report.queryMs.count).toBe(8);
    expect(report.reportMs.p50).toBeGreaterThanOrEqual(report.queryMs.p50);
    expect(report.reportMs.p99).toBeGreaterThanOrEqual(report.reportMs.p50);
  });

  it("runs inside a pool worker with the same result", async () => {
    const report = await pool.run({ kind: "query-storm", options: storm });
    expect(report).toMatchObject({ failed: 0, rowsProcessed: 40_000, revenueCents: expectedRevenue(storm) });
  });

  it("fails loudly when the analytics database is missing", async () => {
    await expect(runQueryStorm({ ...storm, databaseUrl: "postgres://postgres@127.0.0.1:5432/cloudcafe_missing", queries: 1 })).rejects.toThrow(
      /does not exist/,
    );
  });
});
