import type { CpuAllowance } from "./allowance.ts";
import type { Percentiles } from "./percentiles.ts";
import { workloadScenarios, type WorkloadScenario } from "./scenarios.ts";
import { stressTelemetry } from "./telemetry.ts";

export interface WorkloadOptions<R> {
  scenario: WorkloadScenario;
  allowance: CpuAllowance;
  /** Request parameters, logged with the start line. */
  parameters: Record<string, unknown>;
  run: () => Promise<R>;
  /** The figures the scenario's metrics carry. */
  summarise: (result: R) => { durations: Percentiles; count: number };
  write?: (line: string) => void;
}

export interface WorkloadReport<R> {
  scenario: WorkloadScenario;
  /** Process CPU during the workload, as a fraction of the allowance. */
  achievedCpu: number;
  result: R;
}

/**
 * Runs a fixed-workload scenario (cold-start avalanche, query storm) with the same start/stop logs as a CPU run,
 * and emits its CPU level, p99 duration and count in the service's namespace.
 */
export async function runWorkload<R>(options: WorkloadOptions<R>): Promise<WorkloadReport<R>> {
  const spec = workloadScenarios[options.scenario];
  const { logger, metrics } = stressTelemetry(spec.service, options.write);
  logger.info("stress run started", { scenario: options.scenario, ...options.parameters });
  const wallBefore = performance.now();
  const cpuBefore = process.cpuUsage();
  try {
    const result = await options.run();
    const cpu = process.cpuUsage(cpuBefore);
    const achievedCpu = Math.round(((cpu.user + cpu.system) / 1000 / ((performance.now() - wallBefore) * options.allowance.cores)) * 1000) / 1000;
    const { durations, count } = options.summarise(result);
    const dimensions = { scenario: options.scenario };
    metrics.put(spec.cpuMetric, Math.round(achievedCpu * 1000) / 10, "Percent", dimensions);
    metrics.put(spec.durationMetric, durations.p99, "Milliseconds", dimensions);
    metrics.put(spec.countMetric, count, "Count", dimensions);
    logger.info("stress run stopped", { scenario: options.scenario, status: "completed", achieved_cpu: achievedCpu, p99_ms: durations.p99, count });
    return { scenario: options.scenario, achievedCpu, result };
  } catch (error) {
    logger.error("stress run stopped", { scenario: options.scenario, status: "failed", error });
    throw error;
  }
}
