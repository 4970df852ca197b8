import { httpMenuSource, kinesisAnalyticsEvents, kinesisClient, sqsAnalyticsDeadLetters, sqsClient } from "@cloudcafe/adapters";
import { loadOrderEventsConsumerConfig } from "../config.ts";
import { analyticsLogger, analyticsMetrics } from "../runtime.ts";
import { orderEventsHandler } from "./order-events-handler.ts";

/** Lambda entry of the `order-events` stream mapping (catalog `streamEventSourceMappings.analyticsOrderEvents`). */
const config = loadOrderEventsConsumerConfig();
const logger = analyticsLogger("order-events");
const menu = httpMenuSource({ baseUrl: config.menuServiceUrl, refreshAfterMs: config.menuRefreshMs, logger });

export const handler = orderEventsHandler({
  publisher: kinesisAnalyticsEvents(kinesisClient(), config.analyticsStreamName),
  deadLetters: sqsAnalyticsDeadLetters(sqsClient(), config.deadLetterQueueUrl),
  categories: async () => {
    const { catalog } = await menu.current();
    return (sku) => catalog.item(sku)?.category;
  },
  logger,
  metrics: analyticsMetrics("order-events"),
});
