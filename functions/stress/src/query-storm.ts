import { parseOrThrow } from "@cloudcafe/http";
import { queryStormRequest, runWorkload, type QueryStormReport, type WorkloadReport } from "@cloudcafe/stress";
import { stressFunctionConfig } from "./config.ts";
import { stressRuntime } from "./runtime.ts";

/** Event: `{queries?, concurrency?, rowsPerQuery?, tableRows?}`; rows are processed in a pool thread. */
export async function handler(event: unknown): Promise<WorkloadReport<QueryStormReport>> {
  const parameters = parseOrThrow(queryStormRequest, event ?? {}, "query-storm event");
  const { pool } = await stressRuntime();
  const { analyticsDatabaseUrl } = stressFunctionConfig();
  return runWorkload({
    scenario: "query-storm",
    allowance: pool.allowance,
    parameters,
    run: () => pool.run({ kind: "query-storm", options: { databaseUrl: analyticsDatabaseUrl, ...parameters } }),
    summarise: (report) => ({ durations: report.queryMs, count: report.queries }),
  });
}
