import { InvokeCommand, TooManyRequestsException, type LambdaClient } from "@aws-sdk/client-lambda";
import { boundedParallel } from "@cloudcafe/adapters/analytics/concurrency";
import { percentiles } from "../percentiles.ts";
import { COLD_START_P99_TARGET_MS, type ColdStartReport } from "./cold-start.ts";

/**
 * Cold start avalanche against a deployed function: `invocations` synchronous Lambda invocations of the payment
 * processor, `concurrency` in flight. Lambda decides which run cold (a burst above the warm environments gets new
 * ones); each invocation's own REPORT line (`LogType: Tail`) says so with its `Init Duration`. Throttles are counted,
 * not retried: a burst beyond the function's reserved concurrency is part of what the scenario shows.
 */

export interface DeployedAvalancheOptions {
  /** A client with retries off (`maxAttempts: 1`), so a throttle is measured instead of hidden by backoff. */
  client: LambdaClient;
  functionName: string;
  event: (index: number) => unknown;
  invocations: number;
  concurrency: number;
}

/** The figures of a Lambda REPORT log line (milliseconds); `initMs` only on a cold start. */
export interface InvocationReport {
  durationMs: number;
  initMs?: number;
}

const REPORT_LINE = /^REPORT RequestId:.*$/m;
const FIELD = (name: string) => new RegExp(`(?:^|\\t)${name}: ([0-9.]+) ms`);

/** Reads the REPORT line from an invocation's log tail (base64, the last 4 KB of its log). */
export function parseInvocationReport(logResultBase64: string | undefined): InvocationReport | undefined {
  if (!logResultBase64) return undefined;
  const line = Buffer.from(logResultBase64, "base64").toString("utf8").match(REPORT_LINE)?.[0];
  const duration = line?.match(FIELD("Duration"))?.[1];
  if (!line || duration === undefined) return undefined;
  const init = line.match(FIELD("Init Duration"))?.[1];
  return { durationMs: Number(duration), ...(init === undefined ? {} : { initMs: Number(init) }) };
}

/** An SQS handler's answer: records it reports as failed count as failed invocations of the scenario. */
function failedRecords(payload: Uint8Array | undefined): number {
  if (!payload || payload.length === 0) return 0;
  const answer = JSON.parse(Buffer.from(payload).toString("utf8")) as { batchItemFailures?: unknown[] } | null;
  return answer?.batchItemFailures?.length ?? 0;
}

export interface DeployedColdStartReport extends ColdStartReport {
  /** Invocations Lambda refused for lack of concurrency (429). */
  throttled: number;
  /** Durations as the function's REPORT lines give them (without the invoke round trip and init). */
  functionDurationMs: ColdStartReport["durationMs"];
}

export async function invokeDeployedAvalanche(options: DeployedAvalancheOptions): Promise<DeployedColdStartReport> {
  const durations: number[] = [];
  const functionDurations: number[] = [];
  const inits: number[] = [];
  let warm = 0;
  let failed = 0;
  let throttled = 0;
  let firstError: string | undefined;
  const fail = (message: string) => {
    failed += 1;
    firstError ??= message;
  };
  const started = performance.now();

  await boundedParallel(options.invocations, options.concurrency, async (index) => {
    const sent = performance.now();
    try {
      const response = await options.client.send(
        new InvokeCommand({
          FunctionName: options.functionName,
          InvocationType: "RequestResponse",
          LogType: "Tail",
          Payload: Buffer.from(JSON.stringify(options.event(index))),
        }),
      );
      durations.push(performance.now() - sent);
      const report = parseInvocationReport(response.LogResult);
      if (report) {
        functionDurations.push(report.durationMs);
        if (report.initMs === undefined) warm += 1;
        else inits.push(report.initMs);
      }
      if (response.FunctionError) {
        fail(`${response.FunctionError}: ${Buffer.from(response.Payload ?? new Uint8Array()).toString("utf8").slice(0, 500)}`);
        return;
      }
      const failedCount = failedRecords(response.Payload);
      if (failedCount > 0) fail(`${failedCount} record(s) reported as batch item failures`);
    } catch (error) {
      if (error instanceof TooManyRequestsException) {
        throttled += 1;
        firstError ??= `throttled: ${error.message}`;
        return;
      }
      durations.push(performance.now() - sent);
      fail(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    }
  });

  return {
    invocations: options.invocations,
    cold: inits.length,
    warm,
    failed,
    throttled,
    durationMs: percentiles(durations),
    functionDurationMs: percentiles(functionDurations),
    initMs: percentiles(inits),
    p99TargetMs: COLD_START_P99_TARGET_MS,
    elapsedMs: Math.round(performance.now() - started),
    ...(firstError ? { firstError } : {}),
  };
}
