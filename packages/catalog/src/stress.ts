/**
 * The stress scenarios: their names, the service each runs in and writes its metrics as, and their defaults. The
 * stress engine (packages/stress), the Lambda functions (infra), the console and the dashboard all read them here.
 */
import type { MetricNamespaceKey } from "./metrics.ts";

export interface CpuScenarioSpec {
  /** Whose namespace the run's metrics go to. */
  readonly service: MetricNamespaceKey;
  /** EMF metric carrying the achieved CPU (percent of the process allowance), once a second. */
  readonly metric: string;
  readonly defaultTargetCpu: number;
  readonly defaultDurationSeconds: number;
}

/** Scenarios that hold a CPU target for a duration (the closed-loop controller drives them). */
export const cpuScenarios = {
  "morning-rush": { service: "order", metric: "CPUStressLevel", defaultTargetCpu: 0.95, defaultDurationSeconds: 5 * 60 },
  restock: { service: "inventory", metric: "RestockCPU", defaultTargetCpu: 0.8, defaultDurationSeconds: 3 * 60 },
  "menu-sync": { service: "menu", metric: "SyncCPU", defaultTargetCpu: 0.7, defaultDurationSeconds: 3 * 60 },
  "batch-calculation": { service: "loyalty", metric: "BatchJobCPU", defaultTargetCpu: 1, defaultDurationSeconds: 12 * 60 },
} as const satisfies Record<string, CpuScenarioSpec>;

export type CpuScenario = keyof typeof cpuScenarios;
export const cpuScenarioNames = Object.keys(cpuScenarios) as CpuScenario[];

/**
 * Dimensions of every stress metric, as emitted: the writer's `service` plus the run's `scenario` (dashboards search
 * on exactly this set).
 */
export const STRESS_METRIC_DIMENSIONS = ["service", "scenario"] as const;

/** The architecture's duration target for the payment processor under the cold-start avalanche. */
export const COLD_START_P99_TARGET_MS = 3000;

export interface WorkloadScenarioSpec {
  readonly service: MetricNamespaceKey;
  readonly cpuMetric: string;
  readonly durationMetric: string;
  readonly countMetric: string;
}

/** Scenarios that run a fixed workload and report latency percentiles. */
export const workloadScenarios = {
  "cold-start-avalanche": { service: "payment", cpuMetric: "ColdStartAvalancheCPU", durationMetric: "ColdStartDurationP99", countMetric: "ColdStarts" },
  "query-storm": { service: "analytics", cpuMetric: "QueryStormCPU", durationMetric: "QueryDurationP99", countMetric: "StormQueries" },
} as const satisfies Record<string, WorkloadScenarioSpec>;

export type WorkloadScenario = keyof typeof workloadScenarios;
export type ScenarioName = CpuScenario | WorkloadScenario;
export const scenarioNames: ScenarioName[] = [...cpuScenarioNames, ...(Object.keys(workloadScenarios) as WorkloadScenario[])];
