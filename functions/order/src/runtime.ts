import { DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { DescribeStreamSummaryCommand } from "@aws-sdk/client-kinesis";
import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { metricNamespaces } from "@cloudcafe/catalog";
import { createOrderService } from "@cloudcafe/core";
import {
  applicationFaults,
  createDatabase,
  createRedis,
  dynamoActiveOrders,
  dynamoDocumentClient,
  httpMenuSource,
  httpStockReservations,
  kinesisClient,
  latticeRequestSigner,
  kinesisOrderEvents,
  orderOutboxDelivery,
  postgresOrderRepository,
  postgresOutboxRelay,
  redisOrderCache,
  sqsClient,
  sqsOrderSubmissions,
  sqsPaymentRequests, sqsNotificationRequests, dynamoNotificationInbox, startCacheFaultAgent } from "@cloudcafe/adapters";
import { createLogger, createMetrics } from "@cloudcafe/observability";
import { SERVICE_NAME } from "./app.ts";
import { loadOrderServiceConfig, type OrderServiceConfig } from "./config.ts";

/**
 * Everything the Order service runs on, built once per process from its config: the same wiring serves the
 * container, the Lambda entry and the SQS event handlers.
 */
export interface OrderRuntimeOptions {
  /**
   * `inline` (default; Lambda, whose process may freeze once it answers): a write delivers its outbox rows before
   * answering. `background` (the container): it answers after the commit and delivers right after; the relay loop
   * covers what a crash interrupts, and `close()` waits for deliveries in flight.
   */
  outboxDispatch?: "inline" | "background";
  /**
   * Run the cache faults the deployed code causes (elasticache-flush, redis-eviction-pressure, from the stage's fault
   * parameter): the long-running container does, a Lambda entry does not.
   */
  cacheFaults?: boolean;
}

export function createOrderRuntime(config: OrderServiceConfig = loadOrderServiceConfig(), options: OrderRuntimeOptions = {}) {
  const logger = createLogger({ service: SERVICE_NAME });
  const metrics = createMetrics({ namespace: metricNamespaces.order, service: SERVICE_NAME });
  const database = createDatabase(config.database, {
    max: config.databasePoolMax,
    applicationName: SERVICE_NAME,
    onConnectionLost: (error) => logger.warn("database connection lost", { error: error.message }),
  });
  const redis = createRedis(config.cache);
  redis.on("error", (error) => logger.warn("redis connection error", { error: error.message }));
  const dynamo = dynamoDocumentClient();
  const sqs = sqsClient();
  const kinesis = kinesisClient();

  const activeOrders = dynamoActiveOrders(dynamo, config.activeOrdersTable);
  const sign = config.inventorySigningRegion ? { sign: latticeRequestSigner(config.inventorySigningRegion) } : {};
  const stock = config.inventoryServiceUrl ? httpStockReservations({ baseUrl: config.inventoryServiceUrl, ...sign }) : undefined;
  const payments = sqsPaymentRequests(sqs, config.paymentQueueUrl);
  const cache = redisOrderCache(redis, logger);
  const relay = postgresOutboxRelay({
    database,
    logger,
    metrics,
    maxBackoffSeconds: config.outboxMaxBackoffSeconds,
    deliver: orderOutboxDelivery({
      activeOrders,
      cache,
      events: kinesisOrderEvents(kinesis, config.orderEventsStream),
      submissions: sqsOrderSubmissions(sqs, config.orderSubmissionQueueUrl),
      ...(stock ? { stock } : {}),
      payments,
      notifications: sqsNotificationRequests(sqs, config.notificationQueueUrl),
    }),
  });
  const service = createOrderService({
    repository: postgresOrderRepository(database),
    activeOrders,
    cache,
    outbox: options.outboxDispatch === "background" ? relay.backgroundDispatcher : relay.dispatcher,
    payments,
    menu: httpMenuSource({ baseUrl: config.menuServiceUrl, refreshAfterMs: config.menuRefreshMs, logger }),
    ...(stock ? { stock } : {}),
    onRead: (source) => {
      metrics.put(source === "cache" ? "CacheHit" : "CacheMiss", 1, "Count", { cache: "order" });
      metrics.put("OrderReadSource", 1, "Count", { source });
    },
  });

  const checks = {
    postgres: () => database.query("SELECT 1"),
    redis: () => redis.ping(),
    dynamodb: () => dynamo.send(new DescribeTableCommand({ TableName: config.activeOrdersTable })),
    sqs: () => sqs.send(new GetQueueAttributesCommand({ QueueUrl: config.paymentQueueUrl, AttributeNames: ["QueueArn"] })),
    kinesis: () => kinesis.send(new DescribeStreamSummaryCommand({ StreamName: config.orderEventsStream })),
  };

  const cacheFaults = options.cacheFaults ? startCacheFaultAgent({ redis, faults: applicationFaults(), logger, metrics }) : undefined;

  async function close(): Promise<void> {
    cacheFaults?.stop();
    await relay.backgroundDispatcher.settled();
    await relay.stop();
    redis.disconnect();
    await database.end();
  }

  const inbox = dynamoNotificationInbox(dynamo, config.notificationsTable);

  return { config, logger, metrics, service, relay, checks, inbox, close };
}

export type OrderRuntime = ReturnType<typeof createOrderRuntime>;

let shared: OrderRuntime | undefined;

/** One runtime per Lambda execution environment, created on first use (the cold start). */
export function sharedOrderRuntime(): OrderRuntime {
  shared ??= createOrderRuntime();
  return shared;
}
