/**
 * CloudWatch's alarm evaluation over the local sink's series: each alarm of the catalog, every local period, reads
 * its metric (or metric math) for the last `evaluationPeriods` whole periods, treats periods without data as its
 * definition says, and is ALARM when at least `datapointsToAlarm` of them breach, OK otherwise, INSUFFICIENT_DATA
 * while it cannot tell (no data with `missing`, or a threshold that depends on a number not known yet).
 */
import {
  type AlarmComparison,
  type AlarmDefinition,
  type AlarmDimensionTarget,
  type AlarmKey,
  type RelativeThreshold,
  alarmMetrics,
  alarmThreshold,
  resolveDimensions,
} from "@cloudcafe/catalog";
import { parseMetricMath } from "./metric-math.ts";
import type { MetricStore } from "./metric-store.ts";

export type AlarmState = "OK" | "ALARM" | "INSUFFICIENT_DATA";

export interface AlarmTransition {
  at: string;
  from: AlarmState;
  to: AlarmState;
  reason: string;
}

export interface AlarmStatus {
  key: AlarmKey;
  description: string;
  state: AlarmState;
  /** When it entered its state (ISO 8601). */
  stateChangedAt: string;
  reason: string;
  /** The threshold used locally; null while a relative one cannot be computed. */
  threshold: number | null;
  comparison: AlarmComparison;
  unit: AlarmDefinition["unit"];
  treatMissingData: AlarmDefinition["treatMissingData"];
  /** The local period, and the deployed one it stands for. */
  periodSeconds: number;
  deployedPeriodSeconds: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  /** The measured value of each recent local period, oldest first (null: no datapoint). */
  recent: { t: string; value: number | null }[];
  /** The latest state changes, newest first. */
  history: AlarmTransition[];
}

/** Recent periods each alarm reports for charts. */
export const RECENT_PERIODS = 90;
const HISTORY_LENGTH = 10;

const breaches: Record<AlarmComparison, (value: number, threshold: number) => boolean> = {
  GreaterThanThreshold: (value, threshold) => value > threshold,
  GreaterThanOrEqualToThreshold: (value, threshold) => value >= threshold,
  LessThanThreshold: (value, threshold) => value < threshold,
  LessThanOrEqualToThreshold: (value, threshold) => value <= threshold,
};
const comparisonWords: Record<AlarmComparison, string> = {
  GreaterThanThreshold: "greater than",
  GreaterThanOrEqualToThreshold: "greater than or equal to",
  LessThanThreshold: "less than",
  LessThanOrEqualToThreshold: "less than or equal to",
};

const rounded = (value: number) => String(Math.round(value * 100) / 100);

export interface AlarmEvaluatorOptions {
  readonly store: MetricStore;
  readonly definitions: Readonly<Partial<Record<AlarmKey, AlarmDefinition>>>;
  /** The local value of each dimension a definition names. */
  readonly dimensions: Readonly<Record<AlarmDimensionTarget, string>>;
  /** Numbers relative thresholds need, once known (the local PostgreSQL's max_connections). */
  readonly known: () => Partial<Record<RelativeThreshold["of"], number>>;
  readonly now?: () => number;
  readonly onChange?: (key: AlarmKey, transition: AlarmTransition) => void;
}

interface Tracked {
  readonly key: AlarmKey;
  readonly definition: AlarmDefinition;
  readonly valueAt: (startMs: number, endMs: number) => number | undefined;
  state: AlarmState;
  stateChangedAt: number;
  reason: string;
  history: AlarmTransition[];
}

export function createAlarmEvaluator(options: AlarmEvaluatorOptions) {
  const now = options.now ?? Date.now;
  const startedAt = now();
  const tracked: Tracked[] = (Object.entries(options.definitions) as [AlarmKey, AlarmDefinition][]).map(([key, definition]) => {
    const metrics = Object.entries(alarmMetrics(definition)).map(([id, metric]) => ({
      id,
      statistic: metric.statistic,
      selector: {
        namespace: metric.namespace,
        name: metric.metricName,
        dimensions: resolveDimensions(metric.dimensions, options.dimensions),
      },
    }));
    const math = "expression" in definition.measure ? parseMetricMath(definition.measure.expression) : undefined;
    const valueAt = (startMs: number, endMs: number) => {
      const values = Object.fromEntries(metrics.map(({ id, selector, statistic }) => [id, options.store.aggregate(selector, statistic, startMs, endMs)]));
      return math ? math.evaluate(values) : values.value;
    };
    return { key, definition, valueAt, state: "INSUFFICIENT_DATA", stateChangedAt: startedAt, reason: "Not evaluated yet", history: [] };
  });

  const thresholdOf = (definition: AlarmDefinition): number | undefined => {
    if (definition.local.threshold !== undefined) return definition.local.threshold;
    if (typeof definition.threshold === "number") return definition.threshold;
    const known = options.known()[definition.threshold.of];
    return known === undefined ? undefined : alarmThreshold(definition, { [definition.threshold.of]: known } as Record<RelativeThreshold["of"], number>);
  };

  /** The state the last whole periods give, and why, in CloudWatch's words. */
  function judge(alarm: Tracked, values: readonly (number | undefined)[], threshold: number | undefined): { state: AlarmState; reason: string } | "keep" {
    const { definition } = alarm;
    if (threshold === undefined) return { state: "INSUFFICIENT_DATA", reason: `The threshold needs ${String((definition.threshold as RelativeThreshold).of)}, not known yet` };
    const treat = definition.treatMissingData;
    const present = values.filter((value): value is number => value !== undefined);
    const breaching =
      present.filter((value) => breaches[definition.comparison](value, threshold)).length + (treat === "breaching" ? values.length - present.length : 0);
    const listed = values.map((value) => (value === undefined ? "missing" : rounded(value))).join(", ");
    const missingNote = present.length < values.length ? ` (missing data treated as ${treat})` : "";
    if (present.length === 0 && (treat === "missing" || treat === "ignore")) {
      return treat === "ignore" ? "keep" : { state: "INSUFFICIENT_DATA", reason: `No datapoints in the last ${values.length} periods` };
    }
    const words = `${breaching} of the last ${values.length} datapoints [${listed}] ${breaching === 1 ? "was" : "were"} ${comparisonWords[definition.comparison]} the threshold (${rounded(threshold)})${missingNote}`;
    return breaching >= definition.datapointsToAlarm ? { state: "ALARM", reason: `Threshold crossed: ${words}` } : { state: "OK", reason: words };
  }

  function evaluate(): void {
    const at = now();
    for (const alarm of tracked) {
      const periodMs = alarm.definition.local.periodSeconds * 1000;
      const lastEnd = Math.floor(at / periodMs) * periodMs;
      // Only whole periods since the sink started: before it, nothing was collected, which is not "missing data".
      const periods = Math.min(alarm.definition.evaluationPeriods, Math.floor((lastEnd - Math.ceil(startedAt / periodMs) * periodMs) / periodMs));
      if (periods < 1) continue;
      const values = Array.from({ length: periods }, (_, index) => {
        const start = lastEnd - (periods - index) * periodMs;
        return alarm.valueAt(start, start + periodMs);
      });
      const verdict = judge(alarm, values, thresholdOf(alarm.definition));
      if (verdict === "keep") continue;
      alarm.reason = verdict.reason;
      if (verdict.state === alarm.state) continue;
      const transition = { at: new Date(at).toISOString(), from: alarm.state, to: verdict.state, reason: verdict.reason };
      alarm.history = [transition, ...alarm.history].slice(0, HISTORY_LENGTH);
      alarm.state = verdict.state;
      alarm.stateChangedAt = at;
      options.onChange?.(alarm.key, transition);
    }
  }

  function statuses(): AlarmStatus[] {
    const at = now();
    return tracked.map((alarm) => {
      const { definition } = alarm;
      const periodMs = definition.local.periodSeconds * 1000;
      const lastEnd = Math.floor(at / periodMs) * periodMs;
      const recent = Array.from({ length: RECENT_PERIODS }, (_, index) => {
        const start = lastEnd - (RECENT_PERIODS - index) * periodMs;
        return { t: new Date(start).toISOString(), value: alarm.valueAt(start, start + periodMs) ?? null };
      });
      return {
        key: alarm.key,
        description: definition.description,
        state: alarm.state,
        stateChangedAt: new Date(alarm.stateChangedAt).toISOString(),
        reason: alarm.reason,
        threshold: thresholdOf(definition) ?? null,
        comparison: definition.comparison,
        unit: definition.unit,
        treatMissingData: definition.treatMissingData,
        periodSeconds: definition.local.periodSeconds,
        deployedPeriodSeconds: definition.periodSeconds,
        evaluationPeriods: definition.evaluationPeriods,
        datapointsToAlarm: definition.datapointsToAlarm,
        recent,
        history: alarm.history,
      };
    });
  }

  return { evaluate, statuses };
}

export type AlarmEvaluator = ReturnType<typeof createAlarmEvaluator>;
