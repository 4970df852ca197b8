import { type SqsBatchHandler, sqsBatchHandler } from "@cloudcafe/adapters";
import {
  fraudScreenScore,
  paymentQueueMessageSchema,
  processPayment,
  processRefund,
  type PaymentGateway,
  type PaymentRequested,
  type PaymentProcessorDependencies,
} from "@cloudcafe/core";
import type { Logger, Metrics } from "@cloudcafe/observability";

export interface PaymentBatchHandlerOptions extends PaymentProcessorDependencies {
  /** SHA-256 rounds of the fraud screen run on every request before it is charged; 0 or absent skips it. */
  fraudRounds?: number;
  logger: Logger;
  metrics: Metrics;
}

export type PaymentBatchHandler = SqsBatchHandler;

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

  return sqsBatchHandler({
    message: "payment request",
    schema: paymentQueueMessageSchema,
    fifo: true,
    logger,
    metrics,
    contextOf: (request) => ({ customerId: request.customerId, orderId: request.orderId }),
    async handle(request) {
      if (request.type === "RefundRequested") {
        const { result, delivery } = await processRefund(request, dependencies);
        if (delivery === "duplicate") metrics.put("DuplicateDeliveries", 1, "Count");
        else metrics.put("RefundsProcessed", 1, "Count");
        logger.info(delivery === "duplicate" ? "Refund already settled; result re-published without refunding" : "Refund processed", {
          refundId: result.paymentId,
          refundedPaymentId: request.paymentId,
          reason: request.reason,
          delivery,
        });
        return;
      }
      const started = performance.now();
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
    },
  });
}

function countingGatewayErrors(gateway: PaymentGateway, metrics: Metrics): PaymentGateway {
  const counted = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      metrics.put("GatewayErrors", 1, "Count");
      throw error;
    }
  };
  return {
    charge: (request) => counted(() => gateway.charge(request)),
    refund: (request) => counted(() => gateway.refund(request)),
  };
}
