import { metricNamespaces } from "@cloudcafe/catalog";
import {
  dynamoDocumentClient,
  dynamoShardLeases,
  kinesisClient,
  redshiftAnalyticsWarehouse,
  redshiftDataClient,
  redshiftDataWarehouse,
  sqsAnalyticsDeadLetters,
  sqsClient,
  startAnalyticsWorker,
} from "@cloudcafe/adapters";
import type { AnalyticsWarehousePort } from "@cloudcafe/core";
import { createLogger, createMetrics } from "@cloudcafe/observability";
import { loadAnalyticsApiConfig, loadAnalyticsWorkerConfig, type AnalyticsApiConfig, type AnalyticsWorkerConfig, type WarehouseConfig } from "./config.ts";

const SERVICE_NAME = "analytics";

export const analyticsLogger = (component: string) => createLogger({ service: `${SERVICE_NAME}-${component}` });
export const analyticsMetrics = (component: string) => createMetrics({ namespace: metricNamespaces.analytics, service: `${SERVICE_NAME}-${component}` });

/** The star schema on Redshift through the Data API (the local stand-in under `npm start` and in tests). */
export function analyticsWarehouse(config: WarehouseConfig): { warehouse: AnalyticsWarehousePort; close(): void } {
  const client = redshiftDataClient();
  const data = redshiftDataWarehouse({ client, workgroupName: config.workgroupName, database: config.database });
  return { warehouse: redshiftAnalyticsWarehouse({ warehouse: data, schema: config.schema }), close: () => client.destroy() };
}

/** The worker process: its lease table, the stream, the warehouse, the dead letters, wired once. */
export function startAnalyticsWorkerRuntime(config: AnalyticsWorkerConfig = loadAnalyticsWorkerConfig()) {
  const logger = analyticsLogger("worker");
  const { warehouse, close } = analyticsWarehouse(config.warehouse);
  const worker = startAnalyticsWorker({
    kinesis: kinesisClient(),
    streamName: config.streamName,
    leases: dynamoShardLeases(dynamoDocumentClient(), config.leaseTable),
    warehouse,
    deadLetters: sqsAnalyticsDeadLetters(sqsClient(), config.deadLetterQueueUrl),
    workerId: config.workerId,
    windows: { windowMs: config.windowMs, allowedLatenessMs: config.allowedLatenessMs },
    leaseDurationMs: config.leaseDurationMs,
    flushIntervalMs: config.flushIntervalMs,
    pollIntervalMs: config.pollIntervalMs,
    maxIdlePollIntervalMs: config.maxIdlePollIntervalMs,
    discoveryIntervalMs: config.discoveryIntervalMs,
    maxRecordsPerRead: config.maxRecordsPerRead,
    logger,
    metrics: analyticsMetrics("worker"),
  });
  return { worker, logger, close };
}

/** The read API's dependencies, built once per process (a Lambda execution environment or the local server). */
export function createAnalyticsApiRuntime(config: AnalyticsApiConfig = loadAnalyticsApiConfig()) {
  const { warehouse, close } = analyticsWarehouse(config.warehouse);
  return { config, warehouse, logger: analyticsLogger("api"), metrics: analyticsMetrics("api"), close };
}

let shared: ReturnType<typeof createAnalyticsApiRuntime> | undefined;
export const sharedAnalyticsApiRuntime = () => (shared ??= createAnalyticsApiRuntime());
