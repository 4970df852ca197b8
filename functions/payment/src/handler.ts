import { setTimeout as sleep } from "node:timers/promises";
import {
  createDynamoPaymentTransactionLog,
  createMockPaymentGateway,
  createSnsPaymentResultPublisher,
  dynamoDocumentClient,
  snsClient,
} from "@cloudcafe/adapters";
import { metricNamespaces } from "@cloudcafe/catalog";
import { createLogger, createMetrics } from "@cloudcafe/observability";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { createPaymentBatchHandler } from "./batch-handler.ts";
import { loadPaymentConfig } from "./config.ts";

/** Lambda entry of the payment processor, subscribed to `payment-processing-queue.fifo`. */

const SERVICE = "payment-processor";
const initStarted = performance.now();

const config = loadPaymentConfig();
const logger = createLogger({ service: SERVICE });
const metrics = createMetrics({ namespace: metricNamespaces.payment, service: SERVICE });
const processBatch = createPaymentBatchHandler({
  gateway: createMockPaymentGateway(config.gateway),
  transactions: createDynamoPaymentTransactionLog({ client: dynamoDocumentClient(), tableName: config.transactionsTable }),
  results: createSnsPaymentResultPublisher({ client: snsClient(), topicArn: config.resultsTopicArn }),
  now: () => new Date(),
  logger,
  metrics,
});

// Stands in for heavy initialisation (SDK warm-up, loading a fraud model) in cold-start experiments.
if (config.initDelayMs > 0) await sleep(config.initDelayMs);
const initDurationMs = Math.round(performance.now() - initStarted);

let coldStart = true;

export async function handler(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  const cold = coldStart;
  coldStart = false;
  if (cold) metrics.put("ColdStart", 1, "Count");
  const response = await processBatch(event, context);
  logger.info("Payment batch processed", {
    records: event.Records.length,
    failed: response.batchItemFailures.length,
    cold_start: cold,
    ...(cold ? { init_duration_ms: initDurationMs } : {}),
  });
  return response;
}
