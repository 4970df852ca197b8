import { parseOrThrow } from "@cloudcafe/http";
import { coldStartAvalanche, coldStartRequest, paymentRequestedEvent, runWorkload, type ColdStartReport, type WorkloadReport } from "@cloudcafe/stress";
import { stressFunctionConfig } from "./config.ts";
import { stressRuntime } from "./runtime.ts";

/** Event: `{invocations?, concurrency?, initDelayMs?, fraudRounds?, freshInstances?}` against the payment handler. */
export async function handler(event: unknown): Promise<WorkloadReport<ColdStartReport>> {
  const parameters = parseOrThrow(coldStartRequest, event ?? {}, "cold-start-avalanche event");
  const { pool } = await stressRuntime();
  const { paymentHandlerModule } = stressFunctionConfig();
  return runWorkload({
    scenario: "cold-start-avalanche",
    allowance: pool.allowance,
    parameters,
    run: () => coldStartAvalanche({ handlerModule: paymentHandlerModule, event: (index) => paymentRequestedEvent(index), ...parameters }),
    summarise: (report) => ({ durations: report.durationMs, count: report.cold }),
  });
}
