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

/**
 * A whole-number parameter of a workload scenario: its caps and default, which the scenario's zod schema
 * (packages/stress/src/events.ts) and the console's form both read here. `deployedDefault` is set on the load
 * parameters the deployed function's event takes; the others only the local run (the CLI) can set.
 */
export interface WorkloadParameterSpec {
  readonly label: string;
  /** The `npm run stress` flag. */
  readonly flag: string;
  readonly min: number;
  readonly max: number;
  readonly default: number;
  readonly deployedDefault?: number;
}

export interface WorkloadScenarioSpec {
  readonly service: MetricNamespaceKey;
  readonly cpuMetric: string;
  readonly durationMetric: string;
  readonly countMetric: string;
  /** Event fields, in the order an operator reads them. */
  readonly parameters: Readonly<Record<string, WorkloadParameterSpec>>;
}

/** Scenarios that run a fixed workload and report latency percentiles. */
export const workloadScenarios = {
  "cold-start-avalanche": {
    service: "payment",
    cpuMetric: "ColdStartAvalancheCPU",
    durationMetric: "ColdStartDurationP99",
    countMetric: "ColdStarts",
    // Locally each concurrent invocation is a worker thread holding its own copy of the handler (about 50 MB), so
    // the local defaults are what one process can host; the deployed function's are the architecture's.
    parameters: {
      invocations: { label: "Invocations", flag: "invocations", min: 1, max: 10_000, default: 200, deployedDefault: 1_000 },
      concurrency: { label: "Concurrency", flag: "concurrency", min: 1, max: 1_000, default: 20, deployedDefault: 200 },
      initDelayMs: { label: "Init delay (ms)", flag: "init-delay-ms", min: 0, max: 10_000, default: 3_000 },
      fraudRounds: { label: "Fraud rounds", flag: "fraud-rounds", min: 0, max: 100_000, default: 2_000 },
    },
  },
  "query-storm": {
    service: "analytics",
    cpuMetric: "QueryStormCPU",
    durationMetric: "QueryDurationP99",
    countMetric: "StormQueries",
    parameters: {
      queries: { label: "Queries", flag: "queries", min: 1, max: 5_000, default: 50, deployedDefault: 50 },
      concurrency: { label: "Concurrency", flag: "concurrency", min: 1, max: 500, default: 10, deployedDefault: 10 },
      rowsPerQuery: { label: "Rows per query", flag: "rows-per-query", min: 1, max: 1_000_000, default: 100_000, deployedDefault: 100_000 },
      tableRows: { label: "Table rows", flag: "table-rows", min: 1, max: 50_000_000, default: 1_000_000, deployedDefault: 1_000_000 },
    },
  },
} as const satisfies Record<string, WorkloadScenarioSpec>;

export type WorkloadScenario = keyof typeof workloadScenarios;
export type ScenarioName = CpuScenario | WorkloadScenario;
export const scenarioNames: ScenarioName[] = [...cpuScenarioNames, ...(Object.keys(workloadScenarios) as WorkloadScenario[])];
