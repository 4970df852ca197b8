import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import { metricNamespaces } from "@cloudcafe/catalog";
import { counterChangeOf, createMemoryDb, redisStockCounters } from "@cloudcafe/adapters";
import { createLogger, createMetrics } from "@cloudcafe/observability";
import { loadStockStreamConfig } from "./stock-stream-config.ts";
import { applyStockStream } from "./apply-stock-stream.ts";

/**
 * The `store-inventory` stream -> the MemoryDB counters (Lambda, one per shard). Each record carries its row's
 * version, so a replayed batch or a change delivered after a newer one (shards split, retries) changes nothing.
 */
const config = loadStockStreamConfig();
const logger = createLogger({ service: "inventory-stock-stream" });
const metrics = createMetrics({ namespace: metricNamespaces.inventory, service: "inventory-stock-stream" });
const memoryDb = await createMemoryDb(config.counters);
memoryDb.on("error", (error) => logger.warn("memorydb connection error", { error: error.message }));
const counters = redisStockCounters(memoryDb, config.table);

export const handler = (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> =>
  applyStockStream(event, { counters, decode: counterChangeOf, logger, metrics });
