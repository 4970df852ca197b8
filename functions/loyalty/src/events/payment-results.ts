import { sqsBatchHandler } from "@cloudcafe/adapters";
import { accrualFromPaymentResult, paymentResultSchema } from "@cloudcafe/core";
import { sharedLoyaltyRuntime } from "../runtime.ts";

/**
 * Accrues paid orders (SNS `payment-results`, live traffic only -> this service's queue), once each: the ledger's
 * unique (customer, order) makes a redelivered or replayed result a no-op. A declined payment earns nothing.
 */
const runtime = sharedLoyaltyRuntime();

export const handler = sqsBatchHandler({
  message: "payment result",
  schema: paymentResultSchema,
  logger: runtime.logger,
  metrics: runtime.metrics,
  contextOf: (result) => ({ customerId: result.customerId, orderId: result.orderId }),
  async handle(result) {
    const request = accrualFromPaymentResult(result);
    if (!request) {
      runtime.metrics.put("PaymentResultsSkipped", 1, "Count", { payment_outcome: result.outcome });
      return;
    }
    // A CONFLICT (the same order accrued with another amount) is final and goes to the DLQ for a human.
    const accrual = await runtime.service.accrue(request);
    runtime.logger.info("payment result accrued", { replayed: accrual.replayed, points: accrual.pointsEarned, balance: accrual.balance, tier: accrual.tier });
    runtime.metrics.put("PointsAccrued", accrual.replayed ? 0 : accrual.pointsEarned, "Count", { source: "payment-results" });
  },
});
