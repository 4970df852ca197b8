import { setTimeout as sleep } from "node:timers/promises";
import {
  applicationFaults,
  dynamoDocumentClient,
  dynamoPaymentTransactionLog,
  mockPaymentGateway,
  paymentGatewayBehindEgress,
  snsClient,
  snsPaymentResultPublisher,
} from "@cloudcafe/adapters";
import { metricNamespaces } from "@cloudcafe/catalog";
import { createLogger, createMetrics } from "@cloudcafe/observability";
import { createPaymentBatchHandler, type PaymentBatchHandler } from "./events/payment-requests.ts";
import { loadPaymentConfig } from "./config.ts";

const SERVICE = "payment-processor";

/** One execution environment of the payment processor: what Lambda builds on a cold start. */
export interface PaymentProcessorInstance {
  handler: PaymentBatchHandler;
  /** Time spent initialising, including the configured init delay. */
  initDurationMs: number;
}

export interface PaymentProcessorInstanceOptions {
  /** Defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Defaults to the SST links (`Resource`). */
  links?: Record<string, unknown>;
}

/**
 * Initialises a payment processor the way a cold start does: reads the configuration, wires the adapters, waits
 * the configured init delay. Its first invocation reports itself as cold (log field `cold_start` and metric
 * `ColdStart`). The Lambda entry makes one per module; the cold-start scenarios make many.
 */
export async function startPaymentProcessor(options: PaymentProcessorInstanceOptions = {}): Promise<PaymentProcessorInstance> {
  const initStarted = performance.now();
  const config = loadPaymentConfig(options.env, options.links);
  const logger = createLogger({ service: SERVICE });
  const metrics = createMetrics({ namespace: metricNamespaces.payment, service: SERVICE });
  const processBatch = createPaymentBatchHandler({
    // The external gateway is reached through the VPC's NAT gateway: the nat-gateway-failure fault cuts it off.
    gateway: paymentGatewayBehindEgress(mockPaymentGateway(config.gateway), { faults: applicationFaults(), metrics }),
    transactions: dynamoPaymentTransactionLog(dynamoDocumentClient(), config.transactionsTable),
    results: snsPaymentResultPublisher(snsClient(), config.resultsTopicArn),
    now: () => new Date(),
    fraudRounds: config.fraudRounds,
    logger,
    metrics,
  });

  // Stands in for heavy initialisation (SDK warm-up, loading a fraud model) in cold-start experiments.
  if (config.initDelayMs > 0) await sleep(config.initDelayMs);
  const initDurationMs = Math.round(performance.now() - initStarted);

  let coldStart = true;
  const handler: PaymentBatchHandler = async (event, context) => {
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
  };
  return { handler, initDurationMs };
}
