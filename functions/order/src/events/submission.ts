import { sqsBatchHandler } from "@cloudcafe/adapters";
import { orderSubmittedSchema } from "@cloudcafe/core";
import { sharedOrderRuntime } from "../runtime.ts";

/**
 * Validation step on `order-submission-queue`: re-checks the stored order, reserves its stock with the Inventory
 * service (out of stock: REJECTED, naming the SKU) and requests payment on the FIFO queue. Idempotent per order (only
 * PENDING orders are submitted, a reservation is held once per order id, the FIFO queue's content-based dedup drops
 * resends); an Inventory service not answering fails the message, which is redelivered.
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
