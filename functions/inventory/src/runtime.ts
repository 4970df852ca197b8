import { DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { metricNamespaces } from "@cloudcafe/catalog";
import { createInventoryService } from "@cloudcafe/core";
import { createMemoryDb, dynamoDocumentClient, dynamoStockLedger, redisRateLimiter, redisStockCounters } from "@cloudcafe/adapters";
import { createLogger, createMetrics } from "@cloudcafe/observability";
import { SERVICE_NAME } from "./app.ts";
import { type InventoryServiceConfig, loadInventoryServiceConfig } from "./config.ts";
import { reservationSweeper } from "./jobs/reservation-sweeper.ts";

/**
 * Everything the Inventory service runs on, built once per process (a pod): DynamoDB as the source of truth, MemoryDB
 * for the counters (namespaced by the table's name, so stages and test runs sharing a server stay apart) and the
 * rate limits.
 */
export async function createInventoryRuntime(config: InventoryServiceConfig = loadInventoryServiceConfig()) {
  const logger = createLogger({ service: SERVICE_NAME });
  const metrics = createMetrics({ namespace: metricNamespaces.inventory, service: SERVICE_NAME });
  const dynamo = dynamoDocumentClient();
  const memoryDb = await createMemoryDb(config.counters);
  memoryDb.on("error", (error) => logger.warn("memorydb connection error", { error: error.message }));

  const service = createInventoryService({
    ledger: dynamoStockLedger(dynamo, config.table),
    counters: redisStockCounters(memoryDb, config.table),
    limiter: redisRateLimiter(memoryDb, config.table),
    reservationTimeoutMs: config.reservationTimeoutMs,
    limits: config.rateLimits,
    onRead: (source) => metrics.put("StockReadSource", 1, "Count", { source }),
    onLimiterUnavailable: (error) => {
      logger.warn("rate limit not checked: memorydb is not answering", { error });
      metrics.put("RateLimiterUnavailable", 1, "Count");
    },
  });
  const sweeper = reservationSweeper({ service, logger, metrics, intervalMs: config.sweepIntervalMs });

  const checks = {
    dynamodb: () => dynamo.send(new DescribeTableCommand({ TableName: config.table })),
    memorydb: () => memoryDb.ping(),
  };

  /** The starter stores' stock where the table has none, before the service takes traffic. */
  async function prepare(): Promise<void> {
    const stocked = config.loadStarterStock ? await service.loadStarterStock() : 0;
    if (stocked > 0) logger.info("stocked the starter stores store-inventory did not hold", { stores: stocked });
  }

  async function close(): Promise<void> {
    await sweeper.stop();
    memoryDb.disconnect();
  }

  return { config, logger, metrics, service, sweeper, checks, prepare, close, memoryDb };
}

export type InventoryRuntime = Awaited<ReturnType<typeof createInventoryRuntime>>;
