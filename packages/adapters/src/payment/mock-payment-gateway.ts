import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { AppError, type ChargeRequest, type ChargeResult, type PaymentGateway, type RefundResult } from "@cloudcafe/core";

export interface MockGatewayConfig {
  /** Mean time a charge takes. */
  latencyMs: number;
  /** Latency varies uniformly by up to this much either side of the mean. */
  jitterMs: number;
  /** Share of charges (0..1) declined with `insufficient_funds`. */
  declineRate: number;
  /** Share of charges (0..1) that fail with a timeout: retried by the queue, dead-lettered after three receives. */
  failureRate: number;
}

/**
 * Inputs with a fixed answer whatever the configured rates, like a card gateway's test card numbers.
 * Customer prefixes reach the gateway end to end through the order API; amounts let one customer's
 * message group mix outcomes in a test.
 */
export const sandboxInputs = {
  /** Customer ids starting `test-decline` (e.g. `test-decline-42`) are declined with `insufficient_funds`. */
  declineCustomerPrefix: "test-decline",
  /** Customer ids starting `test-gateway-error` always get a gateway timeout. */
  gatewayErrorCustomerPrefix: "test-gateway-error",
  /** $990.01 is declined with `insufficient_funds`. */
  declineAmountCents: 99_001,
  /** $990.03 always gets a gateway timeout. */
  gatewayErrorAmountCents: 99_003,
} as const;

export interface MockGatewayOptions {
  /** Uniform [0, 1) source; tests inject a fixed sequence to make latency and outcomes deterministic. */
  random?: () => number;
}

type Outcome = "approve" | "decline" | "fail";

/** A real gateway keeps idempotency keys for a day; this stand-in keeps the most recent ones per instance. */
const REMEMBERED_KEYS = 10_000;

/**
 * Stand-in for Stripe/Square: waits the configured latency, then approves, declines or times out.
 * A key it has already answered gets the same answer again without a new charge.
 */
export function mockPaymentGateway(config: MockGatewayConfig, options: MockGatewayOptions = {}): PaymentGateway {
  const random = options.random ?? Math.random;
  const answered = new Map<string, ChargeResult>();
  const refunded = new Map<string, RefundResult>();

  const remember = (key: string, result: ChargeResult) => {
    answered.set(key, result);
    if (answered.size > REMEMBERED_KEYS) answered.delete(answered.keys().next().value as string);
  };

  return {
    async charge(request: ChargeRequest): Promise<ChargeResult> {
      const previous = answered.get(request.idempotencyKey);
      if (previous) return previous;

      const latency = Math.max(0, config.latencyMs + (2 * random() - 1) * config.jitterMs);
      if (latency > 0) await sleep(latency);

      const outcome = sandboxOutcome(request) ?? randomOutcome(config, random);
      if (outcome === "fail") {
        throw new AppError("DEPENDENCY_UNAVAILABLE", `Payment gateway timed out after ${Math.round(latency)} ms`, {
          retryable: true,
        });
      }
      const result: ChargeResult =
        outcome === "approve"
          ? { status: "approved", gatewayReference: `ch_${randomUUID().replaceAll("-", "")}` }
          : { status: "declined", reason: "insufficient_funds" };
      remember(request.idempotencyKey, result);
      return result;
    },

    /** Refunds after the same latency; only the gateway-error sandbox inputs fail (a refund is never declined here). */
    async refund(request) {
      const previous = refunded.get(request.idempotencyKey);
      if (previous) return previous;
      const latency = Math.max(0, config.latencyMs + (2 * random() - 1) * config.jitterMs);
      if (latency > 0) await sleep(latency);
      if (sandboxOutcome(request) === "fail") {
        throw new AppError("DEPENDENCY_UNAVAILABLE", `Payment gateway timed out after ${Math.round(latency)} ms`, { retryable: true });
      }
      const result: RefundResult = { status: "refunded", gatewayReference: `re_${randomUUID().replaceAll("-", "")}` };
      refunded.set(request.idempotencyKey, result);
      if (refunded.size > REMEMBERED_KEYS) refunded.delete(refunded.keys().next().value as string);
      return result;
    },
  };
}

function sandboxOutcome(request: Pick<ChargeRequest, "customerId" | "amountCents">): Outcome | undefined {
  if (request.customerId.startsWith(sandboxInputs.gatewayErrorCustomerPrefix)) return "fail";
  if (request.amountCents === sandboxInputs.gatewayErrorAmountCents) return "fail";
  if (request.customerId.startsWith(sandboxInputs.declineCustomerPrefix)) return "decline";
  if (request.amountCents === sandboxInputs.declineAmountCents) return "decline";
  return undefined;
}

function randomOutcome(config: MockGatewayConfig, random: () => number): Outcome {
  if (random() < config.failureRate) return "fail";
  if (random() < config.declineRate) return "decline";
  return "approve";
}
