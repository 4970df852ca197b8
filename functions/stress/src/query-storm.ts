import { parseOrThrow } from "@cloudcafe/http";
import { queryStormRequest, runQueryStormScenario, type QueryStormReport, type WorkloadReport } from "@cloudcafe/stress";
import { stressFunctionConfig } from "./config.ts";
import { stressRuntime } from "./runtime.ts";

/** Event: `{queries?, concurrency?, rowsPerQuery?, tableRows?}` against the analytics store. */
export async function handler(event: unknown): Promise<WorkloadReport<QueryStormReport>> {
  const request = parseOrThrow(queryStormRequest, event ?? {}, "query-storm event");
  const { pool } = await stressRuntime();
  return runQueryStormScenario(pool, stressFunctionConfig().analyticsDatabaseUrl, request);
}
