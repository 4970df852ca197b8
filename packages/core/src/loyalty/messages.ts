import type { PaymentResult } from "../payment/messages.ts";
import type { AccrueRequest } from "./schema.ts";

/**
 * What the loyalty context takes from the payment-results topic: a captured payment is a paid order, which accrues
 * its amount once; a declined one earns nothing.
 */
export function accrualFromPaymentResult(result: PaymentResult): AccrueRequest | undefined {
  if (result.outcome !== "CAPTURED") return undefined;
  return { customerId: result.customerId, orderId: result.orderId, amountCents: result.amountCents };
}
