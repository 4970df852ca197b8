import { z } from "zod";
import { parseOrThrow } from "@cloudcafe/core";

/**
 * The analytics warehouse the query storm reads through the Redshift Data API: the Redshift Serverless workgroup and
 * its database. Infra sets both on the function; the local platform's environment names its Data API stand-in's.
 * Endpoint, region and credentials are the SDK's own (AWS_ENDPOINT_URL_REDSHIFT_DATA locally).
 */
const environment = z.object({
  ANALYTICS_WORKGROUP_NAME: z.string().min(1),
  ANALYTICS_DATABASE_NAME: z.string().min(1),
});

export interface AnalyticsWarehouseConfig {
  workgroupName: string;
  database: string;
}

let config: AnalyticsWarehouseConfig | undefined;

/** Read once per instance, on first use: a function deployed without them fails its query storm with a clear message. */
export function analyticsWarehouseConfig(): AnalyticsWarehouseConfig {
  if (!config) {
    const env = parseOrThrow(environment, process.env, "query storm environment");
    config = { workgroupName: env.ANALYTICS_WORKGROUP_NAME, database: env.ANALYTICS_DATABASE_NAME };
  }
  return config;
}
