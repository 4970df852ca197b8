import { parseOrThrow } from "@cloudcafe/core";
import { cpuRunRequest, type CpuScenario, type StressRunView } from "@cloudcafe/stress";
import { LAMBDA_MAX_RUN_SECONDS } from "./config.ts";
import { stressRuntime } from "./runtime.ts";

/** A Lambda handler that runs `scenario` at the event's CPU target to the end and returns the run. */
export function cpuScenarioHandler(scenario: CpuScenario) {
  const request = cpuRunRequest(LAMBDA_MAX_RUN_SECONDS);
  return async (event: unknown): Promise<StressRunView> => {
    const parameters = parseOrThrow(request, event ?? {}, `${scenario} event`);
    const { registry } = await stressRuntime();
    const { run } = registry.start({ scenario, ...parameters });
    return registry.finished(run.id);
  };
}
