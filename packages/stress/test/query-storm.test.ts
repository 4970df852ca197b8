import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedAllowance } from "../src/allowance.ts";
import { runQueryStorm, type QueryStormOptions } from "../src/cores/query-storm.ts";
import { createStressPool, type StressPool } from "../src/pool.ts";

/**
 * The local platform's warehouse: the Data API stand-in the test setup started (its endpoint is in the environment),
 * over the local PostgreSQL. The storm reads the analytics star schema, here one of its own holding no real rows, so
 * every row it reads is one it generated (synthetic row i has revenue 250 + (i * 13) % 600).
 */
const warehouse = { workgroupName: process.env.ANALYTICS_WORKGROUP_NAME!, database: process.env.ANALYTICS_DATABASE_NAME! };
const schema = `stress_storm_${process.pid}_${Date.now().toString(36)}`;
const storm: QueryStormOptions = { ...warehouse, schema, queries: 8, concurrency: 4, rowsPerQuery: 5_000, tableRows: 20_000 };

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

describe("query storm through the Redshift Data API", () => {
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
    await expect(runQueryStorm({ ...storm, database: "cloudcafe_missing", queries: 1 })).rejects.toThrow(/FAILED: FATAL: database "cloudcafe_missing" does not exist/);
  });

  it("fails loudly when the workgroup is not the warehouse's", async () => {
    await expect(runQueryStorm({ ...storm, workgroupName: "someone-elses-workgroup", queries: 1 })).rejects.toThrow(/Workgroup someone-elses-workgroup not found/);
  });
});
