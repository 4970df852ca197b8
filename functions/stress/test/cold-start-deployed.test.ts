import { startLambdaInvokeStandIn, type LambdaInvokeStandIn } from "@cloudcafe/local/lambda/invoke-stand-in";
import { useLocalEnv } from "@cloudcafe/local/testing/env";
import type { DeployedColdStartReport } from "@cloudcafe/stress";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handler as coldStartAvalanche } from "../src/cold-start-avalanche.ts";
import { closeStressRuntime } from "../src/runtime.ts";

const PAYMENT_FUNCTION = "cloudcafe-test-payment-processor";
const INIT_DELAY_MS = 300;
const RESERVED_CONCURRENCY = 3;

let lambda: LambdaInvokeStandIn;

/**
 * The avalanche as deployed: the stress function invokes the payment processor through the Lambda API. Here that
 * API is the local stand-in, whose environments run the real payment handler on the local engines, with the init
 * delay set on the function (as infra sets PAYMENT_INIT_DELAY_MS) and a reserved concurrency to throttle against.
 */
beforeAll(async () => {
  useLocalEnv();
  lambda = await startLambdaInvokeStandIn({
    [PAYMENT_FUNCTION]: {
      handlerModule: new URL("../../payment/src/lambda.ts", import.meta.url).href,
      env: { PAYMENT_INIT_DELAY_MS: String(INIT_DELAY_MS), PAYMENT_FRAUD_ROUNDS: "2000", PAYMENT_GATEWAY_LATENCY_MS: "0", PAYMENT_GATEWAY_JITTER_MS: "0", PAYMENT_DECLINE_RATE: "0" },
      memoryMb: 512,
      reservedConcurrency: RESERVED_CONCURRENCY,
    },
  });
  process.env.PAYMENT_FUNCTION_NAME = PAYMENT_FUNCTION;
  process.env.AWS_ENDPOINT_URL_LAMBDA = lambda.url;
});
afterAll(async () => {
  await closeStressRuntime();
  await lambda?.stop();
});

const reportOf = async (event: unknown) => (await coldStartAvalanche(event)).result as DeployedColdStartReport;

describe("cold-start avalanche against the deployed payment function (Lambda API)", () => {
  it("counts the cold starts from Lambda's REPORT lines: one per new environment, warm once they are reused", async () => {
    const report = await reportOf({ invocations: 6, concurrency: RESERVED_CONCURRENCY });

    expect(report.firstError).toBeUndefined();
    expect(report).toMatchObject({ invocations: 6, cold: RESERVED_CONCURRENCY, warm: 3, failed: 0, throttled: 0 });
    expect(lambda.coldStarts(PAYMENT_FUNCTION)).toBe(RESERVED_CONCURRENCY);
    // The function's own init delay is inside every cold start's Init Duration, and outside its Duration.
    expect(report.initMs.count).toBe(RESERVED_CONCURRENCY);
    expect(report.initMs.p50).toBeGreaterThanOrEqual(INIT_DELAY_MS);
    expect(report.functionDurationMs.count).toBe(6);
    expect(report.durationMs.max).toBeGreaterThanOrEqual(INIT_DELAY_MS);
  });

  it("reports invocations beyond the reserved concurrency as throttled instead of retrying them", async () => {
    const report = await reportOf({ invocations: 12, concurrency: 6 });

    expect(report.throttled).toBeGreaterThan(0);
    expect(report.failed).toBe(0);
    expect(report.cold + report.warm + report.throttled).toBe(12);
    expect(report.firstError).toMatch(/throttled/);
  });

  it("refuses init delay and instance settings in the event: they belong to the deployed function", async () => {
    const refusal = (await reportOf({ initDelayMs: 3000 }).then(
      () => ({}),
      (error: unknown) => error,
    )) as { code?: string; details?: unknown };
    expect(refusal).toMatchObject({ code: "VALIDATION_FAILED" });
    expect(JSON.stringify(refusal.details)).toContain("PAYMENT_INIT_DELAY_MS");
    await expect(reportOf({ concurrency: 0 })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
  });
});
