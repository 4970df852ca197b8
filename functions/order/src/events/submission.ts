import { sqsBatchHandler } from "@cloudcafe/adapters";
import { orderSubmittedSchema } from "@cloudcafe/core";
import { sharedOrderRuntime } from "../runtime.ts";

/**
 * Validation step on `order-submission-queue`: re-checks the stored order and requests payment on the FIFO queue.
 * Idempotent per order (only PENDING orders are submitted; the FIFO queue's content-based dedup drops resends).
 */
const runtime = sharedOrderRuntime();

export const handler = sqsBatchHandler({
  message: "order submission",
  schema: orderSubmittedSchema,
  logger: runtime.logger,
  metrics: runtime.metrics,
  contextOf: (message) => ({ customerId: message.customerId, orderId: message.orderId }),
  async handle(message, record) {
    const outcome = await runtime.service.submitForPayment(message.orderId);
    runtime.logger.info("order submission handled", { outcome, receive_count: Number(record.attributes.ApproximateReceiveCount) });
    runtime.metrics.put("OrderSubmissions", 1, "Count", { outcome });
  },
});
