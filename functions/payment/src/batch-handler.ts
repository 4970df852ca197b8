import { processPartialResponse, SqsFifoPartialProcessorAsync } from "@aws-lambda-powertools/batch";
import {
  fraudScreenScore,
  isAppError,
  parsePaymentRequested,
  processPayment,
  type PaymentGateway,
  type PaymentRequested,
  type PaymentProcessorDependencies,
} from "@cloudcafe/core";
import { addToContext, traceIdOfRecord, withContext, type Logger, type Metrics } from "@cloudcafe/observability";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";

export interface PaymentBatchHandlerOptions extends PaymentProcessorDependencies {
  /** SHA-256 rounds of the fraud screen run on every request before it is charged; 0 or absent skips it. */
  fraudRounds?: number;
  logger: Logger;
  metrics: Metrics;
}

export type PaymentBatchHandler = (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse>;

/**
 * Processes a batch from `payment-processing-queue.fifo` and reports only the failed messages, so SQS retries
 * those alone. A failure fails the rest of its message group (one customer's payments stay in order) while
 * other customers' groups carry on.
 */
export function createPaymentBatchHandler(options: PaymentBatchHandlerOptions): PaymentBatchHandler {
  const { logger, metrics } = options;
  const dependencies: PaymentProcessorDependencies = { ...options, gateway: countingGatewayErrors(options.gateway, metrics) };

  function screen(request: PaymentRequested): number | undefined {
    if (!options.fraudRounds) return undefined;
    const started = performance.now();
    const score = fraudScreenScore(request, options.fraudRounds);
    metrics.put("FraudScreenDuration", performance.now() - started, "Milliseconds");
    return score;
  }

  async function handleRecord(record: SQSRecord): Promise<void> {
    const traceId = traceIdOfRecord(record);
    // The FIFO group is the customer, so even an unreadable body is logged against its customer.
    const customerId = record.attributes.MessageGroupId;
    await withContext({ traceId, customerId, messageId: record.messageId }, async () => {
      const started = performance.now();
      try {
        const request = parsePaymentRequested(record.body);
        addToContext({ customerId: request.customerId, orderId: request.orderId });
        const fraudScore = screen(request);
        const { result, delivery } = await processPayment(request, dependencies);
        const fields = { paymentId: result.paymentId, outcome: result.outcome, declineReason: result.declineReason, delivery, fraudScore };
        if (delivery === "duplicate") {
          metrics.put("DuplicateDeliveries", 1, "Count");
          logger.info("Payment already settled; result re-published without charging", fields);
          return;
        }
        metrics.put("PaymentProcessed", 1, "Count", { outcome: result.outcome });
        metrics.put("PaymentDuration", performance.now() - started, "Milliseconds");
        logger.info("Payment processed", fields);
      } catch (error) {
        reportFailure(error, record);
        throw error;
      }
    });
  }

  function reportFailure(error: unknown, record: SQSRecord): void {
    const fields = { error, receiveCount: Number(record.attributes.ApproximateReceiveCount) };
    if (isAppError(error) && (error.code === "MALFORMED_JSON" || error.code === "VALIDATION_FAILED")) {
      metrics.put("InvalidMessages", 1, "Count");
      // What is wrong with the message is the news here; a stack trace of the parser would only bury it.
      logger.error("Unreadable payment request; it will reach the dead-letter queue after its last receive", {
        receiveCount: fields.receiveCount,
        error: { code: error.code, message: error.message },
        details: error.details,
      });
      return;
    }
    logger.warn("Payment failed; the message will be redelivered", fields);
  }

  return async function handleBatch(event, context) {
    // One processor per batch: it holds the batch's state, and a local poller may run batches concurrently.
    const processor = new SqsFifoPartialProcessorAsync();
    return processPartialResponse(event, handleRecord, processor, {
      context,
      skipGroupOnError: true,
      // All-failed is reported item by item too: same retry effect as throwing, and one response shape.
      throwOnFullBatchFailure: false,
    });
  };
}

function countingGatewayErrors(gateway: PaymentGateway, metrics: Metrics): PaymentGateway {
  return {
    async charge(request) {
      try {
        return await gateway.charge(request);
      } catch (error) {
        metrics.put("GatewayErrors", 1, "Count");
        throw error;
      }
    },
  };
}
