import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedAllowance } from "../src/allowance.ts";
import { createStressPool, type StressPool } from "../src/pool.ts";
import { createRunRegistry, type RunRegistry } from "../src/registry.ts";

let pool: StressPool;
beforeAll(async () => {
  // The start/stop lines are INFO; the root test config quiets services to WARN.
  process.env.LOG_LEVEL = "INFO";
  pool = createStressPool({ allowance: fixedAllowance(1) });
  await pool.warm();
});
afterAll(() => pool.close());

function registry(lines: string[] = [], limits: { maxConcurrentRuns?: number; maxDurationSeconds?: number } = {}): RunRegistry {
  return createRunRegistry({ pool, write: (line) => lines.push(line), ...limits });
}

describe("run registry", () => {
  it("ends a run by itself, with samples, EMF in the service namespace and start/stop logs", async () => {
    const lines: string[] = [];
    const runs = registry(lines);
    const { run, created } = runs.start({ scenario: "morning-rush", targetCpu: 0.3, durationSeconds: 2 });
    expect(created).toBe(true);
    expect(run.status).toBe("running");
    const done = await runs.finished(run.id);
    expect(done).toMatchObject({ status: "completed", targetCpu: 0.3, durationSeconds: 2 });
    expect(done.achievedCpu).toBeGreaterThan(0);
    expect(done.samples.length).toBeGreaterThanOrEqual(2);
    expect(done.endedAt).toBeDefined();

    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const emf = entries.filter((entry) => "_aws" in entry);
    expect(emf.length).toBe(done.samples.length);
    expect(emf[0]).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Namespace: "CloudCafe/OrderService", Metrics: [{ Name: "CPUStressLevel", Unit: "Percent" }] }] },
      scenario: "morning-rush",
    });
    const messages = entries.filter((entry) => "message" in entry).map((entry) => [entry.message, entry.run_id]);
    expect(messages).toEqual([
      ["stress run started", run.id],
      ["stress run stopped", run.id],
    ]);
  });

  it("names each service's metric", async () => {
    const lines: string[] = [];
    const runs = registry(lines);
    for (const scenario of ["restock", "menu-sync", "batch-calculation"] as const) {
      const { run } = runs.start({ scenario, targetCpu: 0.2, durationSeconds: 1 });
      await runs.finished(run.id);
    }
    const metrics = lines
      .map((line) => JSON.parse(line) as { _aws?: { CloudWatchMetrics: { Namespace: string; Metrics: { Name: string }[] }[] } })
      .flatMap((entry) => entry._aws?.CloudWatchMetrics ?? [])
      .map((metric) => `${metric.Namespace}/${metric.Metrics[0]?.Name}`);
    expect(new Set(metrics)).toEqual(new Set(["CloudCafe/Inventory/RestockCPU", "CloudCafe/Menu/SyncCPU", "CloudCafe/Loyalty/BatchJobCPU"]));
  });

  it("cancels a run and keeps it for polling", async () => {
    const runs = registry();
    const { run } = runs.start({ scenario: "restock", targetCpu: 0.5, durationSeconds: 60 });
    const cancelled = await runs.cancel(run.id);
    expect(cancelled.status).toBe("cancelled");
    expect(cancelled.report?.elapsedSeconds).toBeLessThan(60);
    expect(runs.get(run.id).status).toBe("cancelled");
    expect(runs.list().map((entry) => entry.id)).toContain(run.id);
  });

  it("is idempotent on the run id and refuses the same id with other parameters", async () => {
    const runs = registry();
    const first = runs.start({ scenario: "menu-sync", targetCpu: 0.2, durationSeconds: 30, runId: "rush-1" });
    const again = runs.start({ scenario: "menu-sync", targetCpu: 0.2, durationSeconds: 30, runId: "rush-1" });
    expect(again.created).toBe(false);
    expect(again.run.id).toBe(first.run.id);
    expect(runs.list()).toHaveLength(1);
    expect(() => runs.start({ scenario: "menu-sync", targetCpu: 0.4, durationSeconds: 30, runId: "rush-1" })).toThrow(
      expect.objectContaining({ code: "CONFLICT" }),
    );
    await runs.close();
  });

  it("enforces the caps on target, duration and concurrent runs", async () => {
    const runs = registry([], { maxConcurrentRuns: 1, maxDurationSeconds: 20 });
    expect(() => runs.start({ scenario: "morning-rush", targetCpu: 1.01, durationSeconds: 5 })).toThrow(
      expect.objectContaining({ code: "VALIDATION_FAILED" }),
    );
    expect(() => runs.start({ scenario: "morning-rush", targetCpu: 0, durationSeconds: 5 })).toThrow(
      expect.objectContaining({ code: "VALIDATION_FAILED" }),
    );
    expect(() => runs.start({ scenario: "morning-rush", targetCpu: 0.5, durationSeconds: 21 })).toThrow(
      expect.objectContaining({ code: "VALIDATION_FAILED" }),
    );
    // The default duration (5 minutes) is above this registry's cap too.
    expect(() => runs.start({ scenario: "morning-rush" })).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
    runs.start({ scenario: "morning-rush", targetCpu: 0.2, durationSeconds: 20 });
    expect(() => runs.start({ scenario: "restock", targetCpu: 0.2, durationSeconds: 5 })).toThrow(
      expect.objectContaining({ code: "RATE_LIMITED" }),
    );
    await runs.close();
    expect(runs.list().every((run) => run.status === "cancelled")).toBe(true);
  });

  it("answers NOT_FOUND for an unknown run", () => {
    expect(() => registry().get("nope")).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
  });
});
