/** A game day's results: each scenario's line as `--json` prints it, whether it passed, and the Markdown report. */
import { type FaultId, faults } from "@cloudcafe/catalog";
import type { OrderReconciliation } from "./reconcile.ts";
import type { ScenarioRun } from "./scenario.ts";

export interface ScenarioResult {
  readonly scenario: FaultId;
  readonly detectedSeconds: number | null;
  readonly recoveredSeconds: number | null;
  readonly expectedRecovery: { readonly aws: string; readonly awsSeconds: readonly [number, number] | "manual"; readonly localSeconds: number };
  readonly requests: number;
  readonly failedRequests: number;
  readonly ordersLost: number;
  readonly doubleCharges: number;
  readonly alarmsFired: readonly string[];
  readonly passed: boolean;
  readonly notes: readonly string[];
}

const expectedRecoveryOf = (id: FaultId): ScenarioResult["expectedRecovery"] => {
  const { aws, awsSeconds, localSeconds } = faults[id].expectedRecovery;
  return { aws, awsSeconds, localSeconds };
};

/** A scenario the platform could not run (no local mechanism plugged in, or its injection refused): failed, with why. */
export function notRunResult(id: FaultId, reason = "no local mechanism plugged in"): ScenarioResult {
  return {
    scenario: id,
    detectedSeconds: null,
    recoveredSeconds: null,
    expectedRecovery: expectedRecoveryOf(id),
    requests: 0,
    failedRequests: 0,
    ordersLost: 0,
    doubleCharges: 0,
    alarmsFired: [],
    passed: false,
    notes: [reason],
  };
}

/** Joins a scenario's run with the reconciliation of the orders accepted while it ran. */
export function scenarioResult(run: ScenarioRun, orders: readonly OrderReconciliation[]): ScenarioResult {
  const mine = orders.filter((order) => order.at >= run.startedAt && order.at < run.endedAt);
  const ordersLost = mine.filter((order) => order.lost).length;
  const doubleCharges = mine.filter((order) => order.doubleCharged).length;
  const notes = [...run.notes, ...mine.filter((order) => order.problems.length > 0).slice(0, 5).map((order) => `${order.orderId}: ${order.problems.join("; ")}`)];
  return {
    scenario: run.scenario,
    detectedSeconds: run.detectedSeconds,
    recoveredSeconds: run.recoveredSeconds,
    expectedRecovery: expectedRecoveryOf(run.scenario),
    requests: run.during.requests + run.baseline.requests,
    failedRequests: run.during.failed + run.baseline.failed,
    ordersLost,
    doubleCharges,
    alarmsFired: run.alarmsFired,
    // A fault whose signal (its alarm, its metrics) does not move is a bug, as is one the platform does not recover
    // from or that loses or double-charges an order.
    passed: run.detectedSeconds !== null && run.signals.every((signal) => signal.moved) && run.recoveredSeconds !== null && ordersLost === 0 && doubleCharges === 0,
    notes,
  };
}

const seconds = (value: number | null) => (value === null ? "—" : `${value} s`);
const awsRange = (range: readonly [number, number] | "manual") => (range === "manual" ? "manual" : `${range[0]}-${range[1]} s`);

export function markdownReport(runId: string, results: readonly ScenarioResult[], analytics: { readonly mismatches: number; readonly checked: string }): string {
  const lines = [
    `# Game day ${runId}`,
    "",
    `${results.filter((r) => r.passed).length} of ${results.length} scenarios passed. Analytics reconciliation (${analytics.checked}): ${analytics.mismatches} mismatching store windows.`,
    "",
    "| Scenario | Passed | Detected | Recovered | Expected (AWS) | Requests | Failed | Orders lost | Double charges | Alarms fired |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...results.map(
      (r) =>
        `| \`${r.scenario}\` | ${r.passed ? "yes" : "**no**"} | ${seconds(r.detectedSeconds)} | ${seconds(r.recoveredSeconds)} | ${awsRange(r.expectedRecovery.awsSeconds)} | ${r.requests} | ${r.failedRequests} | ${r.ordersLost} | ${r.doubleCharges} | ${r.alarmsFired.join(", ") || "none"} |`,
    ),
    "",
    ...results.filter((r) => r.notes.length > 0).flatMap((r) => [`- \`${r.scenario}\`: ${r.notes.join("; ")}`]),
    "",
  ];
  return lines.join("\n");
}
