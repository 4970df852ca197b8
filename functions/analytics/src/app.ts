import { services } from "@cloudcafe/catalog";
import type { AnalyticsWarehousePort } from "@cloudcafe/core";
import { createServiceApp, healthRoutes, serveOpenApi, undocumented } from "@cloudcafe/http";
import type { Logger, Metrics } from "@cloudcafe/observability";
import { windowRoutes } from "./routes/windows.ts";

export const SERVICE_NAME = "analytics-service";
const { pathPrefix } = services.analytics;

export interface AnalyticsAppDeps {
  warehouse: AnalyticsWarehousePort;
  logger: Logger;
  metrics: Metrics;
  clock?: () => number;
}

/**
 * The Analytics read API, served by the Lambda behind API Gateway (lambda.ts) and locally by server.ts: the windows
 * the worker wrote to Redshift, read through the Data API, under `/api/analytics`.
 */
export function createAnalyticsApp(deps: AnalyticsAppDeps) {
  const windows = windowRoutes(deps.warehouse, deps.clock);
  const app = createServiceApp({ logger: deps.logger, metrics: deps.metrics });
  serveOpenApi(app, pathPrefix, {
    title: "CloudCafe Analytics",
    version: "1",
    description: "Per-store, per-minute order windows from the analytics pipeline (Kinesis to Redshift), and the last hour per store.",
  });
  app.route("/analytics", undocumented(windows));
  return app.route("/", healthRoutes(SERVICE_NAME, { redshift: () => deps.warehouse.ping() })).route(pathPrefix, windows);
}

export type AnalyticsApp = ReturnType<typeof createAnalyticsApp>;
