import { parseOrThrow } from "@cloudcafe/http";
import { coldStartRequest, runColdStartScenario, type ColdStartReport, type WorkloadReport } from "@cloudcafe/stress";
import { stressFunctionConfig } from "./config.ts";
import { stressRuntime } from "./runtime.ts";

/** Event: `{invocations?, concurrency?, initDelayMs?, fraudRounds?, freshInstances?}` against the payment handler. */
export async function handler(event: unknown): Promise<WorkloadReport<ColdStartReport>> {
  const request = parseOrThrow(coldStartRequest, event ?? {}, "cold-start-avalanche event");
  const { pool } = await stressRuntime();
  return runColdStartScenario(pool, stressFunctionConfig().paymentHandlerModule(), request);
}
