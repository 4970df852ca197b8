import { parseOrThrow } from "@cloudcafe/core";
import { queryStormRequest, runQueryStormScenario, type QueryStormReport, type WorkloadReport } from "@cloudcafe/stress";
import { analyticsWarehouseConfig } from "./analytics-config.ts";
import { stressRuntime } from "./runtime.ts";

/** Event: `{queries?, concurrency?, rowsPerQuery?, tableRows?}` against the analytics warehouse (Redshift Data API). */
export async function handler(event: unknown): Promise<WorkloadReport<QueryStormReport>> {
  const request = parseOrThrow(queryStormRequest, event ?? {}, "query-storm event");
  const { pool } = await stressRuntime();
  return runQueryStormScenario(pool, analyticsWarehouseConfig(), request);
}
