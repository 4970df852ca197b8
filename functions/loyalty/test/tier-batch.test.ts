import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { longField, redshiftDataClient, redshiftDataWarehouse, redshiftTierAggregates, seedUsers, stringField, TIER_AGGREGATES_TABLE } from "@cloudcafe/adapters";
import { type LoyaltyTier, monthIndex, rollingPoints, type TierRun, tierFor } from "@cloudcafe/core";
import { anOrderId, bodyOf, loyaltyFixture, operatorRequest, postAccrue, testConfig } from "./support.ts";

const SEEDED = 3_000;
const base = testConfig();
const batch = (threads: number) => ({ ...base.batch, threads, chunkRows: 500, intervalMs: 0 });
const oneThread = loyaltyFixture({ batch: batch(1) });
const twoThreads = loyaltyFixture({ batch: batch(2) });
const { query } = oneThread.runtime.database;
const warehouse = redshiftDataWarehouse({ client: redshiftDataClient(), ...base.warehouse! });

beforeAll(async () => {
  await seedUsers(oneThread.runtime.database, { count: SEEDED, thresholds: base.thresholds, prefix: `batch-${randomUUID().slice(0, 8)}-` });
});
afterAll(async () => {
  await oneThread.close();
  await twoThreads.close();
});

async function runOn(fixture: typeof oneThread): Promise<TierRun> {
  const { finished } = await fixture.runtime.recalculation.start("operator");
  return finished;
}

/** Users whose stored tier is not the one their rolling points reach this month. */
async function staleTiers(): Promise<number> {
  const month = monthIndex(new Date());
  const rows = await query<{ tier: string; window_month: number; monthly_points: number[] }>("SELECT tier, window_month, monthly_points FROM users");
  return rows.filter((row) => row.tier !== tierFor(rollingPoints(row.window_month, row.monthly_points, month), base.thresholds)).length;
}

async function warehouseRows(runId: string): Promise<{ tier: LoyaltyTier; customers: number }[]> {
  const statement = await warehouse.execute(`SELECT tier, customers FROM ${TIER_AGGREGATES_TABLE} WHERE run_id = :run_id ORDER BY tier`, { run_id: runId });
  const rows: { tier: LoyaltyTier; customers: number }[] = [];
  for await (const page of warehouse.resultPages(statement.Id!)) {
    for (const record of page) rows.push({ tier: stringField(record[0], "tier") as LoyaltyTier, customers: longField(record[1], "customers") });
  }
  return rows;
}

describe("the tier recalculation", () => {
  let first: TierRun;

  it("recalculates every user, writes back the tiers that changed, and stores the run", async () => {
    expect(await staleTiers()).toBeGreaterThan(0);
    const users = Number((await query<{ n: number }>("SELECT count(*)::int AS n FROM users"))[0]!.n);
    first = await runOn(oneThread);
    expect(first).toMatchObject({ status: "succeeded", trigger: "operator", records: users, finishedAt: expect.any(String), error: null });
    expect(first.changed).toBeGreaterThan(0);
    expect(first.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(await staleTiers()).toBe(0);
  });

  it("gives the same digest on two threads as on one, and changes nothing the second time", async () => {
    const second = await runOn(twoThreads);
    expect(second).toMatchObject({ status: "succeeded", records: first.records, changed: 0, digest: first.digest });
  });

  it("gives another digest once a customer's points changed", async () => {
    const [member] = await query<{ customer_id: string }>("SELECT customer_id FROM users WHERE customer_id LIKE 'batch-%' LIMIT 1");
    await postAccrue(oneThread.app, { customerId: member!.customer_id, orderId: anOrderId(), amountCents: 100 });
    const third = await runOn(twoThreads);
    expect(third.status).toBe("succeeded");
    expect(third.digest).not.toBe(first.digest);
  });

  it("exports the run's customers per tier to Redshift once, however often the export is retried", async () => {
    const run = await runOn(oneThread);
    expect(run.aggregatesExportedAt).not.toBeNull();
    const rows = await warehouseRows(run.runId);
    expect(rows.map((r) => r.tier).sort()).toEqual(["BRONZE", "GOLD", "PLATINUM", "SILVER"]);
    expect(rows.reduce((sum, r) => sum + r.customers, 0)).toBe(run.records);

    const aggregates = rows.map((r) => ({ tier: r.tier, customers: r.customers, pointsBalance: 0, rollingPoints: 0 }));
    const exporter = redshiftTierAggregates(warehouse);
    await exporter.write({ runId: run.runId, startedAt: run.startedAt }, aggregates);
    await exporter.write({ runId: run.runId, startedAt: run.startedAt }, aggregates);
    expect(await warehouseRows(run.runId)).toHaveLength(4);
    // An earlier run's export arriving late does not replace the day's latest figures.
    const earlier = `late-${randomUUID()}`;
    await exporter.write({ runId: earlier, startedAt: new Date(Date.parse(run.startedAt) - 1000).toISOString() }, aggregates);
    expect(await warehouseRows(earlier)).toHaveLength(0);
    expect(await warehouseRows(run.runId)).toHaveLength(4);
  });

  it("starts a run once per run id and refuses a second run while one is going", async () => {
    const runId = `op-${randomUUID()}`;
    const started = await operatorRequest(oneThread.app, "/api/loyalty/tier-runs", { method: "POST", body: { runId } });
    expect(started.status).toBe(202);
    expect((await bodyOf(started)).run).toMatchObject({ runId, status: "running" });
    const again = await operatorRequest(oneThread.app, "/api/loyalty/tier-runs", { method: "POST", body: { runId } });
    expect(again.status).toBe(200);
    expect((await bodyOf(again)).run.runId).toBe(runId);
    await oneThread.runtime.recalculation.settled();
    expect((await bodyOf(await operatorRequest(oneThread.app, `/api/loyalty/tier-runs/${runId}`))).run.status).toBe("succeeded");

    const blocker = `blocker-${randomUUID()}`;
    await query("INSERT INTO loyalty_tier_runs (run_id, trigger, status, as_of_month, started_at) VALUES ($1, 'operator', 'running', 0, now())", [blocker]);
    try {
      const refused = await operatorRequest(oneThread.app, "/api/loyalty/tier-runs", { method: "POST", body: {} });
      expect(refused.status).toBe(409);
    } finally {
      await query("UPDATE loyalty_tier_runs SET status = 'failed' WHERE run_id = $1", [blocker]);
    }
  });

  it("needs the operator token to start or read runs", async () => {
    expect((await oneThread.app.request("/api/loyalty/tier-runs", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).status).toBe(401);
    expect((await oneThread.app.request("/api/loyalty/tier-runs")).status).toBe(401);
  });
});
