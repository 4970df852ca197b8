import { describe, expect, it } from "vitest";
import { markdownReport, scenarioResult } from "../../src/gameday/report.ts";
import { signalMoved } from "../../src/gameday/scenario.ts";
import type { ScenarioRun } from "../../src/gameday/scenario.ts";
import { type Sample, windowStats } from "../../src/gameday/traffic.ts";

const window = { requests: 100, failed: 0, errorRate: 0, p99Ms: 40 };
const run = (overrides: Partial<ScenarioRun> = {}): ScenarioRun => ({
  scenario: "ecs-task-termination",
  startedAt: 1_000,
  injectedAt: 11_000,
  revertedAt: 26_000,
  endedAt: 30_000,
  detectedSeconds: 4.5,
  recoveredSeconds: 18,
  alarmsFired: ["ecsRunningBelowDesired"],
  expectedAlarm: "ecsRunningBelowDesired",
  signals: [{ metric: "ECS/ContainerInsights RunningTaskCount", moved: true }],
  baseline: window,
  during: { ...window, failed: 2 },
  notes: [],
  ...overrides,
});

describe("a game day's judgement of a scenario", () => {
  it("passes a scenario whose alarm fired, which recovered, and lost or double-charged no order of its own", () => {
    const orders = [
      { orderId: "a", at: 500, status: "PAID", lost: true, doubleCharged: false, problems: ["still PENDING"] },
      { orderId: "b", at: 12_000, status: "PAID", lost: false, doubleCharged: false, problems: [] },
    ];
    const result = scenarioResult(run(), orders);
    expect(result).toMatchObject({ scenario: "ecs-task-termination", passed: true, ordersLost: 0, doubleCharges: 0, requests: 200, failedRequests: 2 });
    expect(result.expectedRecovery.awsSeconds).toEqual([60, 90]);
  });

  it("fails a scenario whose signal did not move, that did not recover, or that lost or double-charged an order", () => {
    expect(scenarioResult(run({ detectedSeconds: null, notes: ["its alarm did not fire"] }), []).passed).toBe(false);
    expect(scenarioResult(run({ recoveredSeconds: null }), []).passed).toBe(false);
    expect(scenarioResult(run({ signals: [{ metric: "ECS/ContainerInsights RunningTaskCount", moved: false }] }), []).passed).toBe(false);
    const lost = scenarioResult(run(), [{ orderId: "c", at: 20_000, status: "PAID", lost: true, doubleCharged: false, problems: ["still PENDING"] }]);
    expect([lost.passed, lost.ordersLost, lost.notes]).toEqual([false, 1, ["c: still PENDING"]]);
    const charged = scenarioResult(run(), [{ orderId: "d", at: 20_000, status: "PAID", lost: false, doubleCharged: true, problems: ["charged, but the order is PAYMENT_FAILED"] }]);
    expect([charged.passed, charged.doubleCharges]).toEqual([false, 1]);
    expect(markdownReport("r1", [lost, charged], { mismatches: 0, checked: "x" })).toContain("0 of 2 scenarios passed");
  });

  it("takes the error share and the p99 of the answered requests in a window", () => {
    const samples: Sample[] = [
      ...Array.from({ length: 98 }, (_, i): Sample => ({ at: 10 + i, kind: "order", ok: true, status: 201, latencyMs: 10 + i })),
      { at: 200, kind: "order", ok: false, status: 502, latencyMs: 5 },
      { at: 201, kind: "menu", ok: false, status: 0, latencyMs: 10_000 },
      { at: 5_000, kind: "order", ok: false, status: 503, latencyMs: 1 },
    ];
    expect(windowStats(samples, 0, 1_000)).toEqual({ requests: 100, failed: 2, errorRate: 0.02, p99Ms: 107 });
  });
});

describe("whether a scenario's signal metric moved", () => {
  const period = (t: number, min: number, max = min) => ({ t, min, max });
  it("takes a count that appears only under the fault, a level that rose and a level that fell as moved", () => {
    expect(signalMoved([period(12_000, 3)], 10_000, 30_000)).toBe(true);
    expect(signalMoved([period(2_000, 0), period(12_000, 0, 2)], 10_000, 30_000)).toBe(true);
    expect(signalMoved([period(2_000, 90, 95), period(12_000, 40, 92)], 10_000, 30_000)).toBe(true);
    // What the injection moved at once falls in the period it was made in, which began just before it.
    expect(signalMoved([period(10_000, 1), period(12_000, 1)], 11_000, 30_000)).toBe(true);
  });

  it("takes no datapoints under the fault, or values within the baseline's range, as not moved", () => {
    expect(signalMoved([period(2_000, 5)], 10_000, 30_000)).toBe(false);
    expect(signalMoved([period(2_000, 1, 3), period(12_000, 2)], 10_000, 30_000)).toBe(false);
    expect(signalMoved([period(2_000, 1), period(31_000, 9)], 10_000, 30_000)).toBe(false);
  });
});
