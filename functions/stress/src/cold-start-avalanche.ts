import { LambdaClient } from "@aws-sdk/client-lambda";
import { parseOrThrow } from "@cloudcafe/core";
import {
  coldStartRequest,
  deployedColdStartRequest,
  runColdStartScenario,
  runDeployedColdStartScenario,
  type ColdStartReport,
  type DeployedColdStartReport,
  type WorkloadReport,
} from "@cloudcafe/stress";
import { stressFunctionConfig } from "./config.ts";
import { stressRuntime } from "./runtime.ts";

/** Each in-flight invocation holds one socket for up to the payment processor's 30 s timeout. */
const INVOKE_TIMEOUT_MS = 35_000;

let lambda: LambdaClient | undefined;

/** Retries off: a throttle beyond the payment function's reserved concurrency is a result, not something to hide. */
function lambdaClient(): LambdaClient {
  lambda ??= new LambdaClient({
    maxAttempts: 1,
    requestHandler: { requestTimeout: INVOKE_TIMEOUT_MS, httpsAgent: { keepAlive: true, maxSockets: 1_000 }, httpAgent: { keepAlive: true, maxSockets: 1_000 } },
  });
  return lambda;
}

/**
 * Deployed (`PAYMENT_FUNCTION_NAME` set by infra): `{invocations?, concurrency?}` synchronous invocations of the
 * deployed payment processor through the Lambda API; Lambda's REPORT lines say which ran cold. The init delay is the
 * payment function's own setting (PAYMENT_INIT_DELAY_MS), so the event cannot carry one.
 * Otherwise (tests, the local CLI): `{invocations?, concurrency?, initDelayMs?, fraudRounds?, freshInstances?}` with
 * each environment a worker thread importing the payment handler.
 */
export async function handler(event: unknown): Promise<WorkloadReport<ColdStartReport | DeployedColdStartReport>> {
  const config = stressFunctionConfig();
  const { pool } = await stressRuntime();
  if (config.paymentFunctionName) {
    const request = parseOrThrow(deployedColdStartRequest, event ?? {}, "cold-start-avalanche event (deployed payment function)");
    return runDeployedColdStartScenario(pool, { client: lambdaClient(), functionName: config.paymentFunctionName }, request);
  }
  const request = parseOrThrow(coldStartRequest, event ?? {}, "cold-start-avalanche event");
  return runColdStartScenario(pool, config.paymentHandlerModule(), request);
}
