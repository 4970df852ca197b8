import { parseOrThrow } from "@cloudcafe/core";
import { batchCalculationRequest, calculateBatch, type BatchRunReport, type StressRunView } from "@cloudcafe/stress";
import { LAMBDA_MAX_RUN_SECONDS } from "./config.ts";
import { stressRuntime } from "./runtime.ts";

const request = batchCalculationRequest(LAMBDA_MAX_RUN_SECONDS);

/**
 * Event: `{records}` runs a fixed batch as fast as the vCPUs allow and reports records/s; otherwise
 * `{targetCpu?, durationSeconds?}` holds the CPU target (defaults 1.0 for 12 minutes).
 */
export async function handler(event: unknown): Promise<BatchRunReport | StressRunView> {
  const { records, ...cpuRun } = parseOrThrow(request, event ?? {}, "batch-calculation event");
  const { pool, registry } = await stressRuntime();
  if (records !== undefined) return calculateBatch({ pool, records });
  const { run } = registry.start({ scenario: "batch-calculation", ...cpuRun });
  return registry.finished(run.id);
}
