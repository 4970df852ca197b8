import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { AnalyticsWarehouse, RedshiftDataConnection } from "@cloudcafe/adapters/analytics/redshift-data-warehouse";
import { coldStartAvalanche, type ColdStartReport } from "./cores/cold-start.ts";
import { invokeDeployedAvalanche, type DeployedColdStartReport } from "./cores/deployed-avalanche.ts";
import { paymentRequestedEvent } from "./cores/payment-event.ts";
import type { QueryStormReport } from "./cores/query-storm.ts";
import type { ColdStartRequest, DeployedColdStartRequest, QueryStormRequest } from "./events.ts";
import type { StressPool } from "./pool.ts";
import { runWorkload, type WorkloadReport } from "./workload.ts";

/** The payment avalanche with its telemetry, as the Lambda entry and the CLI run it. */
export function runColdStartScenario(pool: StressPool, handlerModule: string, request: ColdStartRequest): Promise<WorkloadReport<ColdStartReport>> {
  return runWorkload({
    scenario: "cold-start-avalanche",
    allowance: pool.allowance,
    parameters: request,
    run: () => coldStartAvalanche({ handlerModule, event: (index) => paymentRequestedEvent(index), ...request }),
    summarise: (report) => ({ durations: report.durationMs, count: report.cold }),
  });
}

/** The avalanche against the deployed payment function (Lambda API), with the same telemetry. */
export function runDeployedColdStartScenario(
  pool: StressPool,
  lambda: { client: LambdaClient; functionName: string },
  request: DeployedColdStartRequest,
): Promise<WorkloadReport<DeployedColdStartReport>> {
  const { invocations, concurrency } = request;
  return runWorkload({
    scenario: "cold-start-avalanche",
    allowance: pool.allowance,
    parameters: { invocations, concurrency, functionName: lambda.functionName },
    run: () => invokeDeployedAvalanche({ ...lambda, event: (index) => paymentRequestedEvent(index), invocations, concurrency }),
    summarise: (report) => ({ durations: report.durationMs, count: report.cold }),
  });
}

/**
 * The analytics query storm with its telemetry; queries and row processing run in a pool thread. `connection`: how
 * that thread reaches the Data API when the environment does not say.
 */
export function runQueryStormScenario(
  pool: StressPool,
  warehouse: AnalyticsWarehouse,
  request: QueryStormRequest,
  connection?: RedshiftDataConnection,
): Promise<WorkloadReport<QueryStormReport>> {
  return runWorkload({
    scenario: "query-storm",
    allowance: pool.allowance,
    parameters: request,
    run: () => pool.run({ kind: "query-storm", options: { ...warehouse, ...request, ...(connection ? { connection } : {}) } }),
    summarise: (report) => ({ durations: report.queryMs, count: report.queries }),
  });
}
