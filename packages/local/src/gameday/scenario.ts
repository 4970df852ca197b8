/**
 * One scenario of a game day: a baseline under steady traffic, the fault injected for its registry duration, then
 * watching until the errors and latency are back to the baseline. Measures when the scenario's alarm fired
 * (detection) and when the traffic recovered, both from the injection.
 */
import { type FaultId, faults, LOCAL_PERIOD_SECONDS, localAlarmDimensions, resolveDimensions, type SignalMetric } from "@cloudcafe/catalog";
import { dimensionsQuery, type MetricPeriod, type MetricSelector, type PlatformClient } from "./platform-client.ts";
import { type Sample, windowStats } from "./traffic.ts";

export interface ScenarioTimings {
  /** Seconds of traffic measured before the injection (the baseline). */
  readonly baselineSeconds: number;
  /** Longest wait for recovery after the revert; the registry's local expectation stretches it. */
  readonly recoveryTimeoutSeconds: number;
  /** Width of the sliding window recovery is judged on. */
  readonly windowSeconds: number;
}

export interface ScenarioWindow {
  readonly requests: number;
  readonly failed: number;
  readonly errorRate: number;
  readonly p99Ms: number;
}

export interface ScenarioRun {
  readonly scenario: FaultId;
  readonly startedAt: number;
  readonly injectedAt: number;
  readonly revertedAt: number;
  readonly endedAt: number;
  readonly detectedSeconds: number | null;
  readonly recoveredSeconds: number | null;
  readonly alarmsFired: string[];
  readonly expectedAlarm: string;
  /** Each of the registry's signal metrics (by its dimensions), and whether it moved from its baseline while the fault was in force. */
  readonly signals: readonly { readonly metric: string; readonly moved: boolean }[];
  readonly baseline: ScenarioWindow;
  readonly during: ScenarioWindow;
  readonly notes: string[];
}

/** How long after the injection the scenario's alarm may take to fire (the longest local alarm is 30 s). */
const DETECTION_WINDOW_MS = 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Whether a metric moved: datapoints from the injection on, and either none before it (a count reported only when
 * something happens) or a value beyond the baseline's range (a level that rose or fell).
 */
export function signalMoved(periods: readonly MetricPeriod[], injectedAt: number, endedAt: number, periodMs = LOCAL_PERIOD_SECONDS * 1000): boolean {
  // The period the injection falls in is the fault's: what the injection moves at once (evictions, the first
  // throttles) lands in it, though it began a moment before.
  const baseline = periods.filter((period) => period.t + periodMs <= injectedAt);
  const during = periods.filter((period) => period.t + periodMs > injectedAt && period.t < endedAt);
  if (during.length === 0) return false;
  if (baseline.length === 0) return true;
  const highest = Math.max(...baseline.map((period) => period.max));
  const lowest = Math.min(...baseline.map((period) => period.min));
  return during.some((period) => period.max > highest || period.min < lowest);
}

/** A registry signal metric as the local sink holds it: its dimensions with the local stand-ins' values. */
export function localSignalSelector(metric: SignalMetric): MetricSelector {
  return { namespace: metric.namespace, name: metric.name, dimensions: resolveDimensions(metric.dimensions, localAlarmDimensions) };
}

/** What the report calls a signal metric: namespace, name and the dimensions it is read by, if any. */
export const signalLabel = ({ namespace, name, dimensions }: MetricSelector) => [namespace, name, dimensionsQuery(dimensions)].filter(Boolean).join(" ");

export async function runScenario(id: FaultId, platform: PlatformClient, samples: readonly Sample[], timings: ScenarioTimings, say: (line: string) => void): Promise<ScenarioRun> {
  const spec = faults[id];
  const notes: string[] = [];
  const startedAt = Date.now();
  // The scenario's alarm must start from OK (a previous scenario's may still be clearing), and its stop alarm too: the
  // control plane, as FIS, does not start a fault whose stop condition is in ALARM.
  const mustClear = [...new Set([spec.signals.alarm, spec.stopAlarm])];
  const clearDeadline = Date.now() + 60_000;
  let before = await platform.alarmStates();
  while (mustClear.some((alarm) => before[alarm] === "ALARM") && Date.now() < clearDeadline) {
    await sleep(1_000);
    before = await platform.alarmStates();
  }
  if (before[spec.signals.alarm] === undefined) notes.push(`no local alarm named ${spec.signals.alarm}`);
  if (before[spec.signals.alarm] === "ALARM") notes.push(`${spec.signals.alarm} was already in ALARM before the injection`);
  await sleep(timings.baselineSeconds * 1000);
  const injectedAt = Date.now();
  const baseline = windowStats(samples, injectedAt - timings.baselineSeconds * 1000, injectedAt);
  const ttl = spec.defaultDurationSeconds;
  say(`${id}: baseline ${baseline.requests} requests, ${(baseline.errorRate * 100).toFixed(1)}% failed, p99 ${baseline.p99Ms} ms; injecting for ${ttl} s`);
  await platform.inject(id, ttl);

  const fired = new Set<string>();
  let detectedAt: number | null = null;
  /** Reads the alarms once, noting which fired; returns their states. */
  const watchAlarms = async (): Promise<Record<string, string>> => {
    const states = await platform.alarmStates().catch(() => ({}) as Record<string, string>);
    for (const [key, state] of Object.entries(states)) {
      if (state === "ALARM" && before[key] !== "ALARM") fired.add(key);
      if (key === spec.signals.alarm && state === "ALARM" && detectedAt === null) detectedAt = Date.now();
    }
    return states;
  };
  while (Date.now() < injectedAt + ttl * 1000) {
    await watchAlarms();
    await sleep(500);
  }
  await platform.revert(id);
  const revertedAt = Date.now();

  const recoveryDeadline = revertedAt + Math.max(timings.recoveryTimeoutSeconds, spec.expectedRecovery.localSeconds * 3) * 1000;
  const window = timings.windowSeconds * 1000;
  // Back to the baseline: a window with no more failures than before (or 1%) and a p99 within twice the baseline's.
  const errorCeiling = Math.max(baseline.errorRate, 0.01);
  const latencyCeiling = Math.max(baseline.p99Ms * 2, baseline.p99Ms + 250);
  let recoveredAt: number | null = null;
  while (Date.now() < recoveryDeadline) {
    const states = await watchAlarms();
    const now = Date.now();
    if (now - revertedAt >= window) {
      const recent = windowStats(samples, now - window, now);
      // A failed read (no states) is not taken for a cleared alarm.
      const alarmClear = detectedAt === null || (states[spec.signals.alarm] !== undefined && states[spec.signals.alarm] !== "ALARM");
      if (recent.requests > 0 && recent.errorRate <= errorCeiling && recent.p99Ms <= latencyCeiling && alarmClear) {
        recoveredAt = now;
        break;
      }
    }
    await sleep(500);
  }
  // An alarm over long periods (the cache hit rate's 15 minutes are 30 s locally) may fire after the traffic is
  // back: keep watching for it for a while, and stop as soon as it fires.
  while (detectedAt === null && Date.now() < injectedAt + DETECTION_WINDOW_MS) {
    await watchAlarms();
    await sleep(500);
  }
  const endedAt = Date.now();
  const during = windowStats(samples, injectedAt, recoveredAt ?? endedAt);
  const signals = await Promise.all(
    spec.signals.metrics.map(async (metric: SignalMetric) => {
      // Each is read by its own dimensions, the series of what the fault aims at, not merged with every other series.
      const selector = localSignalSelector(metric);
      const periods = await platform.metricPeriods(selector, startedAt).catch(() => []);
      return { metric: signalLabel(selector), moved: signalMoved(periods, injectedAt, endedAt) };
    }),
  );
  for (const signal of signals) if (!signal.moved) notes.push(`its signal ${signal.metric} did not move`);
  if (detectedAt === null) notes.push(`its alarm ${spec.signals.alarm} did not fire`);
  if (recoveredAt === null) notes.push(`errors or latency not back to the baseline ${Math.round((endedAt - revertedAt) / 1000)} s after the revert`);
  return {
    scenario: id,
    startedAt,
    injectedAt,
    revertedAt,
    endedAt,
    detectedSeconds: detectedAt === null ? null : Math.round((detectedAt - injectedAt) / 100) / 10,
    recoveredSeconds: recoveredAt === null ? null : Math.round((recoveredAt - injectedAt) / 100) / 10,
    alarmsFired: [...fired].sort(),
    expectedAlarm: spec.signals.alarm,
    signals,
    baseline,
    during,
    notes,
  };
}
