import { setTimeout as sleep } from "node:timers/promises";
import { AppError, type ApplicationFaultSource, egressFailureParameters, type PaymentGateway } from "@cloudcafe/core";
import type { Metrics } from "@cloudcafe/observability";

export const EGRESS_FAILURE_FAULT = "nat-gateway-failure";

/**
 * The `nat-gateway-failure` fault around the external payment gateway: with the VPC's way out gone, a call to it
 * hangs until its connect timeout and fails; the charge is never made. The payment processor sees the same retryable
 * DEPENDENCY_UNAVAILABLE a real gateway timeout gives, so its messages go back to the queue and are retried (and
 * dead-lettered after the queue's receive count), and each failure is counted as `PaymentGatewayErrors`.
 */
export function paymentGatewayBehindEgress(
  gateway: PaymentGateway,
  options: { readonly faults: ApplicationFaultSource; readonly metrics: Metrics },
): PaymentGateway {
  const throughEgress =
    <Args extends unknown[], Result>(call: (...args: Args) => Promise<Result>, operation: string) =>
    async (...args: Args): Promise<Result> => {
      const fault = await options.faults.active(EGRESS_FAILURE_FAULT);
      if (!fault) return call(...args);
      const { timeoutMs } = egressFailureParameters.parse(fault.parameters);
      if (timeoutMs > 0) await sleep(timeoutMs);
      options.metrics.put("PaymentGatewayErrors", 1, "Count", { Operation: operation, Fault: EGRESS_FAILURE_FAULT });
      throw new AppError("DEPENDENCY_UNAVAILABLE", `Payment gateway unreachable: connect timed out after ${timeoutMs} ms (nat-gateway-failure)`, {
        retryable: true,
      });
    };
  return { charge: throughEgress(gateway.charge.bind(gateway), "Charge"), refund: throughEgress(gateway.refund.bind(gateway), "Refund") };
}
