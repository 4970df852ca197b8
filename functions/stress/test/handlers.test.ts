import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handler as batchCalculation } from "../src/batch-calculation.ts";
import { handler as coldStartAvalanche } from "../src/cold-start-avalanche.ts";
import { handler as morningRush } from "../src/morning-rush.ts";
import { handler as queryStorm } from "../src/query-storm.ts";
import { closeStressRuntime } from "../src/runtime.ts";
import { STRESS_METRIC_DIMENSIONS } from "@cloudcafe/stress/scenarios";

const stdoutWrite = process.stdout.write.bind(process.stdout);
let output: string[] = [];

beforeAll(() => {
  // These tests read what CloudWatch would: the root test config turns EMF off and logs down to WARN.
  process.env.CLOUDCAFE_METRICS_DISABLED = "false";
  process.env.LOG_LEVEL = "INFO";
  process.env.PAYMENT_HANDLER_MODULE = new URL("./fixtures/payment-handler.ts", import.meta.url).href;
  // Lambda's log and EMF channel is stdout; capture it to check what CloudWatch would receive.
  process.stdout.write = ((chunk: string | Uint8Array) => {
    output.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
});
afterAll(async () => {
  process.stdout.write = stdoutWrite;
  await closeStressRuntime();
});

/** The first metric directive of every EMF line written so far. */
const emfDirectives = () =>
  output
    .flatMap((chunk) => chunk.split("\n"))
    .filter((line) => line.includes("_aws"))
    .map(
      (line) =>
        (JSON.parse(line) as { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] } })._aws
          .CloudWatchMetrics[0],
    );

const emfDimensionSets = () => emfDirectives().map((directive) => JSON.stringify(directive?.Dimensions[0]));

const emfMetricNames = () => emfDirectives().map((directive) => `${directive?.Namespace}/${directive?.Metrics[0]?.Name}`);

describe("stress Lambda handlers", () => {
  it("morning-rush runs to the end of its duration and returns the run", async () => {
    output = [];
    const run = await morningRush({ targetCpu: 0.3, durationSeconds: 2 });
    expect(run).toMatchObject({ scenario: "morning-rush", status: "completed", targetCpu: 0.3 });
    expect(run.samples.length).toBeGreaterThanOrEqual(2);
    expect(emfMetricNames()).toContain("CloudCafe/OrderService/CPUStressLevel");
    // The dashboard searches on exactly this dimension set (infra/dashboard.ts).
    expect(new Set(emfDimensionSets())).toEqual(new Set([JSON.stringify(STRESS_METRIC_DIMENSIONS)]));
  });

  it("refuses an event outside the caps", async () => {
    await expect(morningRush({ targetCpu: 2 })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await expect(morningRush({ durationSeconds: 3600 })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
  });

  it("batch-calculation finishes a fixed number of records and reports records/s", async () => {
    const report = await batchCalculation({ records: 6_000 });
    expect(report).toMatchObject({ records: 6_000 });
    expect("recordsPerSecond" in report && report.recordsPerSecond).toBeGreaterThan(0);
  });

  it("cold-start-avalanche invokes the configured handler, all cold, and emits payment metrics", async () => {
    output = [];
    const report = await coldStartAvalanche({ invocations: 3, concurrency: 3, initDelayMs: 0, fraudRounds: 10 });
    expect(report.result).toMatchObject({ invocations: 3, cold: 3, failed: 0 });
    expect(emfMetricNames()).toEqual(
      expect.arrayContaining(["CloudCafe/PaymentProcessor/ColdStartDurationP99", "CloudCafe/PaymentProcessor/ColdStarts"]),
    );
    expect(new Set(emfDimensionSets())).toEqual(new Set([JSON.stringify(STRESS_METRIC_DIMENSIONS)]));
  });

  it("query-storm reads the analytics store and reports query percentiles", async () => {
    const report = await queryStorm({ queries: 4, concurrency: 2, rowsPerQuery: 2_000, tableRows: 20_000 });
    expect(report.result).toMatchObject({ queries: 4, failed: 0, rowsProcessed: 8_000 });
    expect(report.result.queryMs.count).toBe(4);
  });
});
