import { sqsBatchHandler } from "@cloudcafe/adapters";
import { paymentResultSchema } from "@cloudcafe/core";
import { sharedOrderRuntime } from "../runtime.ts";

/** Applies payment results (SNS `payment-results` -> this service's queue) to orders, once each. */
const runtime = sharedOrderRuntime();

export const handler = sqsBatchHandler({
  message: "payment result",
  schema: paymentResultSchema,
  logger: runtime.logger,
  metrics: runtime.metrics,
  contextOf: (result) => ({ customerId: result.customerId, orderId: result.orderId }),
  async handle(result) {
    const outcome = await runtime.service.applyPaymentResult(result);
    if (outcome === "not-found") {
      // A result for an order this service never stored: retrying cannot help, so it goes to the DLQ for a human.
      throw new Error(`payment result for unknown order ${result.orderId}`);
    }
    runtime.logger.info("payment result applied", { outcome, payment_outcome: result.outcome });
    runtime.metrics.put("PaymentResultsApplied", 1, "Count", { outcome, payment_outcome: result.outcome });
  },
});
