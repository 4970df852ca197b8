import { cpuScenarios, type CpuScenario, type MetricNamespaceKey } from "@cloudcafe/catalog";

/** The scenarios' names, services, metrics and defaults are the catalog's; infra, the console and the dashboard read them there. */
export {
  COLD_START_P99_TARGET_MS,
  cpuScenarioNames,
  cpuScenarios,
  scenarioNames,
  STRESS_METRIC_DIMENSIONS,
  workloadScenarios,
  type CpuScenario,
  type CpuScenarioSpec,
  type ScenarioName,
  type WorkloadScenario,
} from "@cloudcafe/catalog";

/** Whose metric namespace a stress run writes to. */
export type ServiceKey = MetricNamespaceKey;

export function isCpuScenario(name: string): name is CpuScenario {
  return Object.hasOwn(cpuScenarios, name);
}
